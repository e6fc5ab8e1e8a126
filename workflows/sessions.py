"""The consultation-session process: convene → invite the five parties in parallel → join →
open (quorum of parties) → run → minutes → publish.

Nodes call ``deliberation.services``; the rounds, positions and party votes of the live room
are domain rows written by services directly (not one task per party), so five parties
speaking in the same second never wait on this flow's process lock.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from viewflow import this
from viewflow.workflow import flow

from deliberation import policy
from deliberation.models import Invitation, Party, Session, User
from deliberation.services import sessions as services
from deliberation.services.sessions import minutes as minutes_services
from workflows.locking import process_row_lock
from workflows.processes import Handle, process_of, run_task, waiting_task

#: The Handle node waiting for each party's reply.
REPLY_NODES = {
    Party.PARTY_ORG: "reply_party_org",
    Party.RESIDENTS_COMMITTEE: "reply_residents_committee",
    Party.PROVIDER: "reply_provider",
    Party.OWNERS_BODY: "reply_owners_body",
    Party.RESIDENTS_REPS: "reply_residents_reps",
}


def _reply(party: Any) -> flow.Handle:
    """The node waiting for one party's reply to its invitation."""
    return (
        Handle(this.record_reply)
        .Annotation(
            title=format_lazy(gettext_lazy("Reply: {party}"), party=party),
            description=gettext_lazy(
                "The party accepts or declines the invitation and names its delegate; a "
                "party that never replies is recorded absent when the meeting opens."
            ),
        )
        .Next(this.replies_in)
    )


class SessionFlow(flow.Flow):
    """One process per session; its artifact is the ``Session``."""

    process_title = gettext_lazy("Consultation session")
    process_description = gettext_lazy(
        "The secretary convenes the five parties; the meeting opens with a quorum of "
        "parties, runs its rounds and resolutions, and its minutes are published."
    )
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = (
        flow.StartHandle(this.convene)
        .Annotation(
            title=gettext_lazy("Convene"),
            description=gettext_lazy(
                "The secretary sets the title, time, place and agenda and invites the parties."
            ),
        )
        .Next(this.invite)
    )
    invite = (
        flow.Split()
        .Annotation(
            title=gettext_lazy("Invite the five parties"),
            description=gettext_lazy("Each party replies on its own, in any order."),
        )
        .Next(this.reply_party_org)
        .Next(this.reply_residents_committee)
        .Next(this.reply_provider)
        .Next(this.reply_owners_body)
        .Next(this.reply_residents_reps)
    )
    reply_party_org = _reply(Party.PARTY_ORG.label)
    reply_residents_committee = _reply(Party.RESIDENTS_COMMITTEE.label)
    reply_provider = _reply(Party.PROVIDER.label)
    reply_owners_body = _reply(Party.OWNERS_BODY.label)
    reply_residents_reps = _reply(Party.RESIDENTS_REPS.label)
    replies_in = (
        flow.Join()
        .Annotation(
            title=gettext_lazy("Replies in"),
            description=gettext_lazy("Every party replied or was recorded absent."),
        )
        .Next(this.open)
    )
    open = (
        Handle(this.open_session)
        .Annotation(
            title=gettext_lazy("Open the meeting"),
            description=gettext_lazy("The chair opens it once the quorum of parties is present."),
        )
        .Next(this.run)
    )
    run = (
        Handle(this.end_session)
        .Annotation(
            title=gettext_lazy("Hold the meeting"),
            description=gettext_lazy(
                "Rounds of positions and the parties' votes on resolutions, until the chair "
                "ends the meeting."
            ),
        )
        .Next(this.minutes)
    )
    minutes = (
        Handle(this.publish_minutes)
        .Annotation(
            title=gettext_lazy("Publish the minutes"),
            description=gettext_lazy("The secretary publishes the minutes the parties confirmed."),
        )
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=gettext_lazy("Minutes published"),
        description=gettext_lazy("The session is over and its record public."),
    )

    def convene(self, activation: Any, **kwargs: Any) -> Session:
        session = services.convene_session(**kwargs)
        activation.process.artifact = session
        return session

    def record_reply(
        self, activation: Any, *, actor: User, invitation: Invitation, attending: bool | None
    ) -> None:
        services.reply_to_invitation(actor=actor, invitation=invitation, attending=attending)

    def open_session(self, activation: Any, *, actor: User, session: Session) -> Session:
        return services.open_session(actor=actor, session=session)

    def end_session(self, activation: Any, *, actor: User, session: Session) -> Session:
        return services.end_session(actor=actor, session=session)

    def publish_minutes(self, activation: Any, *, actor: User, session: Session) -> Any:
        return minutes_services.publish_minutes(actor=actor, session=session)


# --- the entry points views use ----------------------------------------------------------------


def _serialise(session: Session) -> None:
    """Queue on the session row (a blocking lock) before viewflow takes its process lock.

    viewflow's ``select_for_update_lock`` uses NOWAIT; inside our transaction a refused
    NOWAIT aborts the whole PostgreSQL transaction, so its retries cannot succeed. Waiting
    on the session row first means the process lock is always free when we reach it, and
    five parties confirming in the same second all get through.
    """
    list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))


def _run(node: Any, task: Any, **kwargs: Any) -> Any:
    """Run a waiting task; another step that won the race is a 409."""
    return run_task(node, task, lost=_("Someone else moved this session on first."), **kwargs)


@transaction.atomic
def start(**kwargs: Any) -> Session:
    """Convene a session (``services.convene_session`` arguments) and start its process."""
    session: Session = SessionFlow.start.run(**kwargs)
    return session


@transaction.atomic
def reply(*, actor: User, invitation: Invitation, attending: bool | None) -> None:
    """A party's reply completes its parallel task; later changes go to the service only."""
    node = getattr(SessionFlow, REPLY_NODES[Party(invitation.party)])
    _serialise(invitation.session)
    task = waiting_task(process_of(invitation.session), node)
    if task is None:
        services.reply_to_invitation(actor=actor, invitation=invitation, attending=attending)
        return
    _run(node, task, actor=actor, invitation=invitation, attending=attending)


@transaction.atomic
def open_session(*, actor: User, session: Session) -> Session:
    """Open when the quorum rule holds; parties that never replied are recorded so, which
    completes their tasks and lets the Join through."""
    policy.require(actor, "session.chair", session)
    _serialise(session)
    missing = services.quorum_missing(session)
    if missing:  # let the service word the refusal, before any task moves
        return services.open_session(actor=actor, session=session)
    process = process_of(session)
    for party, name in REPLY_NODES.items():
        node = getattr(SessionFlow, name)
        task = waiting_task(process, node)
        if task is not None:
            invitation = session.invitations.get(party=party)
            _run(node, task, actor=actor, invitation=invitation, attending=None)
    task = waiting_task(process, SessionFlow.open)
    if task is None:
        return services.open_session(actor=actor, session=session)
    result: Session = _run(SessionFlow.open, task, actor=actor, session=session)
    return result


def _advance(node: Any, *, actor: User, session: Session, fallback: Any) -> Any:
    _serialise(session)
    task = waiting_task(process_of(session), node)
    if task is None:
        return fallback(actor=actor, session=session)
    return _run(node, task, actor=actor, session=session)


@transaction.atomic
def end_session(*, actor: User, session: Session) -> Session:
    result: Session = _advance(
        SessionFlow.run, actor=actor, session=session, fallback=services.end_session
    )
    return result


@transaction.atomic
def publish_minutes(*, actor: User, session: Session) -> Any:
    return _advance(
        SessionFlow.minutes,
        actor=actor,
        session=session,
        fallback=minutes_services.publish_minutes,
    )
