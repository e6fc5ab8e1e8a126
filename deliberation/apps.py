from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        # Periodic jobs register on import: work-order deadline sweep, owners' votes clock,
        # committee re-election reminders, Open311 key purge, rising-trend alarms.
        # live.access: open sockets re-check their rights when a session, user, membership
        # or residency changes.
        from deliberation import tasks  # noqa: F401  (jobs; notifications hear of new tasks)
        from deliberation.live import access  # noqa: F401
        from deliberation.services import (  # noqa: F401
            committees,
            notifications,
            open311,
            trend_alarms,
            votes,
            work_orders,
        )
