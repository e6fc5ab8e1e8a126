from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = _("Deliberation")

    def ready(self) -> None:
        # Periodic jobs register on import: work-order deadline sweep, owners' votes clock,
        # committee re-election reminders, Open311 key purge, rising-trend alarms, uploads
        # sweep, firm handovers, form-key purge, evaluation cycles. All of them here: a job
        # worker and beat load no URLs, so they must know every job from the start.
        # live.access: open sockets re-check their rights when a session, user, membership
        # or residency changes.
        # The job queue's tasks and the receivers that enqueue them (after commit);
        # notifications hear of new tasks.
        from deliberation import tasks  # noqa: F401
        from deliberation.live import access  # noqa: F401
        from deliberation.services import (  # noqa: F401
            committees,
            contracts,
            idempotency,
            notifications,
            open311,
            stored_files,
            trend_alarms,
            votes,
            work_orders,
        )
        from deliberation.services.evaluations import cycles  # noqa: F401
