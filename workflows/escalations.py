"""The supervision group's follow-up of a missed deadline (督办), one process per escalation.

Started by the domain's ``escalation_opened`` signal (the deadline sweep); the group's
follow-up is a ``Handle`` task whose function calls ``handle_escalation``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import Escalation
from deliberation.services import work_orders as services
from workflows.locking import process_row_lock
from workflows.processes import Handle, process_of, run_waiting


class EscalationFlow(flow.Flow):
    """督办流程 — one per escalation (the process artifact)."""

    process_title = gettext_lazy("Supervision of a missed deadline")
    process_description = gettext_lazy(
        "The supervision group follows up a work order whose deadline passed."
    )
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(
            title=gettext_lazy("Deadline missed"),
            description=gettext_lazy("The deadline sweep opened an escalation."),
        )
        .Next(this.follow_up)
    )
    follow_up = (
        Handle(this.do_follow_up)
        .Annotation(
            title=gettext_lazy("Follow up"),
            description=gettext_lazy(
                "The supervision group records what it did about the missed deadline."
            ),
        )
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=gettext_lazy("Followed up"),
        description=gettext_lazy("The escalation is handled."),
    )

    def start_process(self, activation: Any, escalation: Escalation) -> Process:
        activation.process.artifact = escalation
        return activation.process

    def do_follow_up(self, activation: Any, *, actor: Any, note: str) -> Escalation:
        escalation = activation.process.artifact
        assert isinstance(escalation, Escalation)
        return services.handle_escalation(escalation=escalation, actor=actor, note=note)


def handle(escalation: Escalation, *, actor: Any, note: str) -> Escalation:
    """Record the group's follow-up through the waiting task (409 if already handled)."""
    process = process_of(escalation)
    if process is None and escalation.status == Escalation.Status.OPEN:
        process = EscalationFlow.start.run(escalation=escalation)  # opened before the flow
    handled = _("This escalation was already handled.")
    result = run_waiting(
        process, EscalationFlow.follow_up, stale=handled, lost=handled, actor=actor, note=note
    )
    assert isinstance(result, Escalation)
    return result


def on_opened(sender: Any, escalation: Escalation, **kwargs: Any) -> None:
    EscalationFlow.start.run(escalation=escalation)
