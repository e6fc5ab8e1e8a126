"""The supervision group's follow-up of a missed deadline (督办), one process per escalation.

Started by the domain's ``escalation_opened`` signal (the deadline sweep); the group's
follow-up is a ``Handle`` task whose function calls ``handle_escalation``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from viewflow import this
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process
from viewflow.workflow.status import STATUS

from deliberation.models import Escalation
from deliberation.services import work_orders as services
from deliberation.services.conflicts import Conflict
from workflows.locking import process_row_lock


class EscalationFlow(flow.Flow):
    """督办流程 — one per escalation (the process artifact)."""

    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = flow.StartHandle(this.start_process).Next(this.follow_up)
    follow_up = flow.Handle(this.do_follow_up).Next(this.end)
    end = flow.End()

    def start_process(self, activation: Any, escalation: Escalation) -> Process:
        activation.process.artifact = escalation
        return activation.process

    def do_follow_up(self, activation: Any, *, actor: Any, note: str) -> Escalation:
        escalation = activation.process.artifact
        assert isinstance(escalation, Escalation)
        return services.handle_escalation(escalation=escalation, actor=actor, note=note)


def process_of(escalation: Escalation) -> Process | None:
    ct = ContentType.objects.get_for_model(Escalation)
    return (
        Process.objects.filter(
            flow_class=EscalationFlow, artifact_content_type=ct, artifact_object_id=escalation.pk
        )
        .order_by("-id")
        .first()
    )


def handle(escalation: Escalation, *, actor: Any, note: str) -> Escalation:
    """Record the group's follow-up through the waiting task (409 if already handled)."""
    process = process_of(escalation)
    if process is None and escalation.status == Escalation.Status.OPEN:
        process = EscalationFlow.start.run(escalation=escalation)  # opened before the flow
    task = (
        process.task_set.filter(flow_task=EscalationFlow.follow_up, status=STATUS.NEW).first()
        if process is not None
        else None
    )
    if task is None:
        raise Conflict(_("This escalation was already handled."))
    try:
        result = EscalationFlow.follow_up.run(task, actor=actor, note=note)
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise Conflict(_("This escalation was already handled.")) from exc
    assert isinstance(result, Escalation)
    return result


def on_opened(sender: Any, escalation: Escalation, **kwargs: Any) -> None:
    EscalationFlow.start.run(escalation=escalation)
