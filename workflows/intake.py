"""The intake flow: an issue arrives (any channel) → the committee triages → routed.

One process per issue, started by the domain's ``issue_reported`` signal, so issues from
every channel (web form, staff entry, hotline import, Open311) get one. Triage is a
``Handle`` node: pages call ``triage(issue, decision, actor=…, **kw)``, whose function
calls the matching service. A dispatched issue waits in ``follow`` until its work order
flow ends: sent back → triage again; closed → end. An issue sent to a session ends here;
the session flow takes it from there.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS

from deliberation.models import Issue, WorkOrder
from deliberation.services import triage as services
from deliberation.services.conflicts import Conflict
from workflows.locking import process_row_lock
from workflows.processes import Handle, process_of, run_task, waiting_task

S = Issue.Status
DECISIONS = ("dispatch", "session", "close", "duplicate")


def _status(activation: Any) -> str:
    return str(
        Issue.objects.filter(pk=activation.process.artifact_object_id)
        .values_list("status", flat=True)
        .get()
    )


class IntakeFlow(flow.Flow):
    """诉求受理流程 — one per issue (the process artifact)."""

    process_title = gettext_lazy("Intake of an issue")
    process_description = gettext_lazy(
        "An issue from any channel is triaged and routed: to a work order, to a "
        "consultation session, or closed."
    )
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = (
        flow.StartHandle(this.start_process)
        .Annotation(
            title=gettext_lazy("Issue reported"),
            description=gettext_lazy(
                "A resident, the hotline, staff or the public API reported an issue."
            ),
        )
        .Next(this.triage)
    )
    triage = (
        Handle(this.do_triage)
        .Annotation(
            title=gettext_lazy("Triage"),
            description=gettext_lazy(
                "The committee dispatches a work order, sends the issue to a session, "
                "closes it or marks it a duplicate."
            ),
        )
        .Next(this.route)
    )
    route = (
        flow.Switch()
        .Annotation(
            title=gettext_lazy("Where did triage send it?"),
            description=gettext_lazy(
                "A work order is followed; a session takes the issue over; anything else ends here."
            ),
        )
        .Case(this.follow, this.is_dispatched)
        .Case(this.to_session, this.awaits_session)
        .Default(this.end)
    )
    follow = (
        Handle(this.do_follow)
        .Annotation(
            title=gettext_lazy("Follow the work order"),
            description=gettext_lazy("Waits until the work order is closed or sent back."),
        )
        .Next(this.back_to_triage)
    )
    back_to_triage = (
        flow.If(this.is_back_in_triage)
        .Annotation(
            title=gettext_lazy("Sent back?"),
            description=gettext_lazy(
                "A work order the provider sent back brings the issue to triage again."
            ),
        )
        .Then(this.triage)
        .Else(this.end)
    )
    to_session = flow.End().Annotation(
        title=gettext_lazy("To a session"),
        description=gettext_lazy("The session's own process takes the issue from here."),
    )
    end = flow.End().Annotation(
        title=gettext_lazy("Settled"),
        description=gettext_lazy("The issue was closed, merged, or its work order closed."),
    )

    def start_process(self, activation: Any, issue: Issue) -> Process:
        activation.process.artifact = issue
        return activation.process

    def is_dispatched(self, activation: Any) -> bool:
        return _status(activation) in (S.DISPATCHED, S.IN_PROGRESS)

    def awaits_session(self, activation: Any) -> bool:
        return _status(activation) in (S.AWAITING_SESSION, S.ON_AGENDA)

    def is_back_in_triage(self, activation: Any) -> bool:
        return _status(activation) == S.NEW

    def do_triage(self, activation: Any, *, decision: str, actor: Any, **kwargs: Any) -> Any:
        # Each decision's service locks and reads the issue first: its id is enough here
        # (loading the process's artifact would read the same row once more).
        issue = Issue(pk=activation.process.artifact_object_id)
        if decision == "dispatch":
            return services.dispatch_issue(issue=issue, actor=actor, **kwargs)
        if decision == "session":
            return services.send_to_session(issue=issue, actor=actor, **kwargs)
        if decision == "close":
            return services.close_issue(issue=issue, actor=actor, **kwargs)
        if decision == "duplicate":
            return services.mark_duplicate(issue=issue, actor=actor, **kwargs)
        raise ValueError(decision)

    def do_follow(self, activation: Any, *, work_order: WorkOrder) -> None:
        """The work order's flow ended (sent back or closed); nothing to write here."""


def _needs_new_process(issue: Issue) -> bool:
    """Back in triage after its intake process ended (e.g. an order from a session
    resolution was sent back): a fresh intake process takes it."""
    if not Issue.objects.filter(pk=issue.pk, status=S.NEW).exists():
        return False
    process = process_of(issue)
    return process is None or process.status != PROCESS.NEW


def start_for(issue: Issue) -> Process:
    return IntakeFlow.start.run(issue=issue)  # type: ignore[no-any-return]


def triage(issue: Issue, decision: str, **kwargs: Any) -> Any:
    """Route the issue (``dispatch`` → WorkOrder, ``session``, ``close``, ``duplicate``).

    ``kwargs`` go to the service (``actor``, ``responsible``, ``reason``, ``public_text``…).
    Raises ``Conflict`` when the issue no longer waits for triage.
    """
    if decision not in DECISIONS:
        raise ValueError(decision)
    task = waiting_task(process_of(issue), IntakeFlow.triage)
    if task is None and _needs_new_process(issue):
        start_for(issue)
        task = waiting_task(process_of(issue), IntakeFlow.triage)
    if task is None:
        raise Conflict(
            _("This issue is now “%(status)s”; the page was out of date.")
            % {"status": issue.get_status_display()}
        )
    return run_task(
        IntakeFlow.triage,
        task,
        lost=_("Someone else triaged this issue first."),
        decision=decision,
        **kwargs,
    )


def follow_up(order: WorkOrder) -> None:
    """Called when a work order's flow ends: wake the issue's intake flow if it waits."""
    if order.issue_id is None:
        return
    task = waiting_task(process_of(Issue(pk=order.issue_id)), IntakeFlow.follow)
    if task is not None:
        IntakeFlow.follow.run(task, work_order=order)


def on_reported(sender: Any, issue: Issue, **kwargs: Any) -> None:
    start_for(issue)
