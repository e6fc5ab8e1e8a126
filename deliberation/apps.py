from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        # Periodic jobs register on import: work-order deadline sweep, owners' votes clock,
        # committee re-election reminders.
        from deliberation.services import committees, open311, votes, work_orders  # noqa: F401
