"""The work-order flow: dispatched → accept or send back → work → verify → confirm.

Every dispatched ``WorkOrder`` (from triage, a session resolution or an owners' vote) gets
one process, started by the domain's ``work_order_dispatched`` signal (the domain knows no
process engine). The human steps are ``Handle`` nodes; pages call ``perform(order,
action, actor=…, **kw)``, which runs the waiting node, whose function calls the service.
Progress notes and extension requests do not move the flow: pages call those services
directly. A sent-back or closed order tells the issue's intake flow (``follow``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import WorkOrder
from deliberation.services import work_orders as services
from deliberation.services.stored_files import files_removed_on_rollback
from workflows.intake import follow_up
from workflows.locking import process_row_lock
from workflows.processes import Handle, process_of, run_waiting

W = WorkOrder.Status


def _status(activation: Any) -> str:
    """The order's status as stored now (the artifact object may be stale)."""
    return str(
        WorkOrder.objects.filter(pk=activation.process.artifact_object_id)
        .values_list("status", flat=True)
        .get()
    )


def _order(activation: Any) -> WorkOrder:
    order = activation.process.artifact
    assert isinstance(order, WorkOrder)
    return order


class WorkOrderFlow(flow.Flow):
    """工单流程 — one per work order (the process artifact)."""

    process_title = gettext_lazy("Work order")
    process_description = gettext_lazy(
        "The responsible organization accepts or sends back the order, does the work, the "
        "dispatcher verifies it and the reporter confirms."
    )
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(
            title=gettext_lazy("Dispatched"),
            description=gettext_lazy(
                "Triage, a session resolution or an owners' vote dispatched the order."
            ),
        )
        .Next(this.respond)
    )
    respond = (
        Handle(this.run_step)
        .Annotation(
            title=gettext_lazy("Accept or send back"),
            description=gettext_lazy(
                "The responsible organization accepts the order or sends it back with a "
                "reason, before the response deadline."
            ),
        )
        .Next(this.was_accepted)
    )
    was_accepted = (
        flow.If(this.is_accepted)
        .Annotation(
            title=gettext_lazy("Accepted?"),
            description=gettext_lazy("A sent-back order goes back to the issue's triage."),
        )
        .Then(this.work)
        .Else(this.sent_back)
    )
    work = (
        Handle(this.run_step)
        .Annotation(
            title=gettext_lazy("Do the work"),
            description=gettext_lazy(
                "The organization does the work and reports it done, with photos, before "
                "the completion deadline."
            ),
        )
        .Next(this.verify)
    )
    verify = (
        Handle(this.run_step)
        .Annotation(
            title=gettext_lazy("Verify"),
            description=gettext_lazy("The dispatcher checks the work and approves or rejects it."),
        )
        .Next(this.was_verified)
    )
    was_verified = (
        flow.If(this.is_verified)
        .Annotation(
            title=gettext_lazy("Approved?"),
            description=gettext_lazy("Rejected work goes back to the organization."),
        )
        .Then(this.confirm)
        .Else(this.work)
    )
    confirm = (
        Handle(this.run_step)
        .Annotation(
            title=gettext_lazy("Confirm and rate"),
            description=gettext_lazy("The reporter says whether it is fixed and rates the work."),
        )
        .Next(this.was_closed)
    )
    was_closed = (
        flow.If(this.is_closed)
        .Annotation(
            title=gettext_lazy("Fixed?"),
            description=gettext_lazy("Not fixed in the reporter's eyes: the work starts again."),
        )
        .Then(this.closed)
        .Else(this.work)
    )
    closed = (
        flow.Function(this.tell_intake)
        .Annotation(
            title=gettext_lazy("Tell the issue: closed"),
            description=gettext_lazy("The issue's intake process stops following the order."),
        )
        .Next(this.end)
    )
    sent_back = (
        flow.Function(this.tell_intake)
        .Annotation(
            title=gettext_lazy("Tell the issue: sent back"),
            description=gettext_lazy("The issue returns to triage."),
        )
        .Next(this.end_sent_back)
    )
    end = flow.End().Annotation(
        title=gettext_lazy("Closed"),
        description=gettext_lazy("The work is done and confirmed."),
    )
    end_sent_back = flow.End().Annotation(
        title=gettext_lazy("Sent back"),
        description=gettext_lazy("The organization did not take the order."),
    )

    def start_process(self, activation: Any, work_order: WorkOrder) -> Process:
        activation.process.artifact = work_order
        return activation.process

    def run_step(self, activation: Any, *, step: Callable[..., WorkOrder], **kwargs: Any) -> Any:
        """Every human node runs the service ``perform`` chose for the action. Each service
        locks and reads the order itself first, so it gets the order's id only: loading the
        process's artifact here would read the same row once more."""
        return step(work_order=WorkOrder(pk=activation.process.artifact_object_id), **kwargs)

    def is_accepted(self, activation: Any) -> bool:
        return _status(activation) != W.SENT_BACK

    def is_verified(self, activation: Any) -> bool:
        return _status(activation) == W.VERIFIED

    def is_closed(self, activation: Any) -> bool:
        return _status(activation) == W.CLOSED

    def tell_intake(self, activation: Any) -> None:
        follow_up(_order(activation))


#: Each action: the node that waits for it and the service it runs there.
STEPS: dict[str, tuple[Any, Callable[..., WorkOrder]]] = {
    "accept": (WorkOrderFlow.respond, services.accept_work_order),
    "send_back": (WorkOrderFlow.respond, services.send_back_work_order),
    "complete": (WorkOrderFlow.work, services.complete_work_order),
    "verify": (WorkOrderFlow.verify, services.verify_work_order),
    "confirm": (WorkOrderFlow.confirm, services.confirm_work_order),
}


def start_for(work_order: WorkOrder) -> Process:
    """Start the flow of a freshly dispatched order (connected to the domain signal)."""
    return WorkOrderFlow.start.run(work_order=work_order)  # type: ignore[no-any-return]


def perform(order: WorkOrder, action: str, **kwargs: Any) -> WorkOrder:
    """Run the node waiting for ``action`` (accept, send_back, complete, verify, confirm);
    ``kwargs`` go to its service.

    Raises ``Conflict`` when the order is not waiting for that action (someone else acted
    first, or the page was stale). Permission and input errors come from the service.
    """
    node, step = STEPS[action]
    with files_removed_on_rollback():  # evidence photos go if the flow step fails
        result = run_waiting(
            process_of(order),
            node,
            stale=_("This work order is now “%(status)s”; the page was out of date.")
            % {"status": order.get_status_display()},
            lost=_("Someone else acted on this work order first."),
            step=step,
            **kwargs,
        )
    assert isinstance(result, WorkOrder)
    return result


def on_dispatched(sender: Any, work_order: WorkOrder, **kwargs: Any) -> None:
    start_for(work_order)
