from django.apps import AppConfig


class WorkflowsConfig(AppConfig):
    name = "workflows"
    verbose_name = "Workflows"

    def ready(self) -> None:
        from deliberation.services.issues import issue_reported
        from deliberation.services.work_orders import escalation_opened, work_order_dispatched

        from . import (  # noqa: F401  (owners_vote, committee_bodies: @receiver)
            committee_bodies,
            escalations,
            evaluations,  # noqa: F401  (@receiver)
            handovers,
            intake,
            owners_vote,
            work_orders,
        )

        issue_reported.connect(intake.on_reported, dispatch_uid="intake-flow")
        work_order_dispatched.connect(work_orders.on_dispatched, dispatch_uid="work-order-flow")
        escalation_opened.connect(escalations.on_opened, dispatch_uid="escalation-flow")
