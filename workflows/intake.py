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

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext as _
from viewflow import this
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import PROCESS, STATUS

from deliberation.models import Issue, WorkOrder
from deliberation.services import triage as services
from deliberation.services.conflicts import Conflict
from workflows.locking import process_row_lock

S = Issue.Status
DECISIONS = ("dispatch", "session", "close", "duplicate")


def _status(activation: Any) -> str:
    return str(
        Issue.objects.filter(pk=activation.process.artifact_object_id)
        .values_list("status", flat=True)
        .get()
    )


def _issue(activation: Any) -> Issue:
    issue = activation.process.artifact
    assert isinstance(issue, Issue)
    return issue


class IntakeFlow(flow.Flow):
    """诉求受理流程 — one per issue (the process artifact)."""

    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = flow.StartHandle(this.start_process).Next(this.triage)
    triage = flow.Handle(this.do_triage).Next(this.route)
    route = (
        flow.Switch()
        .Case(this.follow, lambda a: _status(a) in (S.DISPATCHED, S.IN_PROGRESS))
        .Case(this.to_session, lambda a: _status(a) in (S.AWAITING_SESSION, S.ON_AGENDA))
        .Default(this.end)
    )
    follow = flow.Handle(this.do_follow).Next(this.back_to_triage)
    back_to_triage = flow.If(lambda a: _status(a) == S.NEW).Then(this.triage).Else(this.end)
    to_session = flow.End()
    end = flow.End()

    def start_process(self, activation: Any, issue: Issue) -> Process:
        activation.process.artifact = issue
        return activation.process

    def do_triage(self, activation: Any, *, decision: str, actor: Any, **kwargs: Any) -> Any:
        issue = _issue(activation)
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


def process_of(issue: Issue | int) -> Process | None:
    pk = issue if isinstance(issue, int) else issue.pk
    ct = ContentType.objects.get_for_model(Issue)
    return (
        Process.objects.filter(
            flow_class=IntakeFlow, artifact_content_type=ct, artifact_object_id=pk
        )
        .order_by("-id")
        .first()
    )


def _waiting(issue: Issue | int, node: Any) -> Task | None:
    process = process_of(issue)
    if process is None:
        return None
    return process.task_set.filter(flow_task=node, status=STATUS.NEW).order_by("-id").first()


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
    task = _waiting(issue, IntakeFlow.triage)
    if task is None and _needs_new_process(issue):
        start_for(issue)
        task = _waiting(issue, IntakeFlow.triage)
    if task is None:
        raise Conflict(
            _("This issue is now “%(status)s”; the page was out of date.")
            % {"status": issue.get_status_display()}
        )
    try:
        return IntakeFlow.triage.run(task, decision=decision, **kwargs)
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise Conflict(_("Someone else triaged this issue first.")) from exc


def follow_up(order: WorkOrder) -> None:
    """Called when a work order's flow ends: wake the issue's intake flow if it waits."""
    if order.issue_id is None:
        return
    task = _waiting(order.issue_id, IntakeFlow.follow)
    if task is not None:
        IntakeFlow.follow.run(task, work_order=order)


def on_reported(sender: Any, issue: Issue, **kwargs: Any) -> None:
    start_for(issue)
