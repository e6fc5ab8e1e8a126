"""The work-order flow: dispatched → accept or send back → work → verify → confirm.

Every dispatched ``WorkOrder`` (from triage, a session resolution or an owners' vote) gets
one process, started by the domain's ``work_order_dispatched`` signal (the domain knows no
process engine). The human steps are ``Handle`` nodes; pages call ``perform(order,
action, actor=…, **kw)``, which runs the waiting node, whose function calls the service.
Progress notes and extension requests do not move the flow: pages call those services
directly. A sent-back or closed order tells the issue's intake flow (``follow``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from viewflow import this
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from deliberation.models import WorkOrder
from deliberation.services import work_orders as services
from deliberation.services.conflicts import Conflict
from deliberation.services.stored_files import files_removed_on_rollback
from workflows.locking import process_row_lock

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

    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = flow.StartHandle(this.start_process).Next(this.respond)
    respond = flow.Handle(this.do_respond).Next(this.was_accepted)
    was_accepted = flow.If(lambda a: _status(a) != W.SENT_BACK).Then(this.work).Else(this.sent_back)
    work = flow.Handle(this.do_complete).Next(this.verify)
    verify = flow.Handle(this.do_verify).Next(this.was_verified)
    was_verified = flow.If(lambda a: _status(a) == W.VERIFIED).Then(this.confirm).Else(this.work)
    confirm = flow.Handle(this.do_confirm).Next(this.was_closed)
    was_closed = flow.If(lambda a: _status(a) == W.CLOSED).Then(this.closed).Else(this.work)
    closed = flow.Function(this.tell_intake).Next(this.end)
    sent_back = flow.Function(this.tell_intake).Next(this.end_sent_back)
    end = flow.End()
    end_sent_back = flow.End()

    def start_process(self, activation: Any, work_order: WorkOrder) -> Process:
        activation.process.artifact = work_order
        return activation.process

    def do_respond(
        self, activation: Any, *, action: str, actor: Any, reason: str = "", note: str = ""
    ) -> WorkOrder:
        order = _order(activation)
        if action == "accept":
            return services.accept_work_order(work_order=order, actor=actor, note=note)
        if action == "send_back":
            return services.send_back_work_order(work_order=order, actor=actor, reason=reason)
        raise ValueError(action)

    def do_complete(
        self, activation: Any, *, action: str, actor: Any, text: str, photos: Any = ()
    ) -> WorkOrder:
        if action != "complete":
            raise ValueError(action)
        return services.complete_work_order(
            work_order=_order(activation), actor=actor, text=text, photos=photos
        )

    def do_verify(
        self, activation: Any, *, action: str, actor: Any, approved: bool, note: str = ""
    ) -> WorkOrder:
        if action != "verify":
            raise ValueError(action)
        return services.verify_work_order(
            work_order=_order(activation), actor=actor, approved=approved, note=note
        )

    def do_confirm(
        self,
        activation: Any,
        *,
        action: str,
        actor: Any,
        fixed: bool,
        rating: str,
        comment: str = "",
    ) -> WorkOrder:
        if action != "confirm":
            raise ValueError(action)
        return services.confirm_work_order(
            work_order=_order(activation), actor=actor, fixed=fixed, rating=rating, comment=comment
        )

    def tell_intake(self, activation: Any) -> None:
        from .intake import follow_up

        follow_up(_order(activation))


#: Which node waits for which action.
NODE_FOR_ACTION = {
    "accept": WorkOrderFlow.respond,
    "send_back": WorkOrderFlow.respond,
    "complete": WorkOrderFlow.work,
    "verify": WorkOrderFlow.verify,
    "confirm": WorkOrderFlow.confirm,
}


def process_of(order: WorkOrder) -> Process | None:
    ct = ContentType.objects.get_for_model(WorkOrder)
    return (
        Process.objects.filter(
            flow_class=WorkOrderFlow, artifact_content_type=ct, artifact_object_id=order.pk
        )
        .order_by("-id")
        .first()
    )


def start_for(work_order: WorkOrder) -> Process:
    """Start the flow of a freshly dispatched order (connected to the domain signal)."""
    return WorkOrderFlow.start.run(work_order=work_order)  # type: ignore[no-any-return]


def waiting_task(order: WorkOrder, action: str) -> Task | None:
    process = process_of(order)
    if process is None:
        return None
    return (
        process.task_set.filter(flow_task=NODE_FOR_ACTION[action], status=STATUS.NEW)
        .order_by("-id")
        .first()
    )


def perform(order: WorkOrder, action: str, **kwargs: Any) -> WorkOrder:
    """Run the node waiting for ``action`` (accept, send_back, complete, verify, confirm).

    Raises ``Conflict`` when the order is not waiting for that action (someone else acted
    first, or the page was stale). Permission and input errors come from the service.
    """
    if action not in NODE_FOR_ACTION:
        raise ValueError(action)
    task = waiting_task(order, action)
    if task is None:
        raise Conflict(
            _("This work order is now “%(status)s”; the page was out of date.")
            % {"status": order.get_status_display()}
        )
    try:
        with files_removed_on_rollback():  # evidence photos go if the flow step fails
            result = NODE_FOR_ACTION[action].run(task, action=action, **kwargs)
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise Conflict(_("Someone else acted on this work order first.")) from exc
    assert isinstance(result, WorkOrder)
    return result


def on_dispatched(sender: Any, work_order: WorkOrder, **kwargs: Any) -> None:
    start_for(work_order)
