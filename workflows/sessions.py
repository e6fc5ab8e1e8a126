"""The consultation-session process: convene → invite the five parties in parallel → join →
open (quorum of parties) → run → minutes → publish.

Nodes call ``deliberation.services``; the rounds, positions and party votes of the live room
are domain rows written by services directly (not one task per party), so five parties
speaking in the same second never wait on this flow's process lock.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from deliberation.models import Invitation, Party, Session, User
from deliberation.services import sessions as services
from deliberation.services.sessions import minutes as minutes_services
from workflows.locking import process_row_lock

#: The Handle node waiting for each party's reply.
REPLY_NODES = {
    Party.PARTY_ORG: "reply_party_org",
    Party.RESIDENTS_COMMITTEE: "reply_residents_committee",
    Party.PROVIDER: "reply_provider",
    Party.OWNERS_BODY: "reply_owners_body",
    Party.RESIDENTS_REPS: "reply_residents_reps",
}


class SessionFlow(flow.Flow):
    """One process per session; its artifact is the ``Session``."""

    process_title = "Consultation session"
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = flow.StartHandle(this.convene).Next(this.invite)
    invite = (
        flow.Split()
        .Next(this.reply_party_org)
        .Next(this.reply_residents_committee)
        .Next(this.reply_provider)
        .Next(this.reply_owners_body)
        .Next(this.reply_residents_reps)
    )
    reply_party_org = flow.Handle(this.record_reply).Next(this.replies_in)
    reply_residents_committee = flow.Handle(this.record_reply).Next(this.replies_in)
    reply_provider = flow.Handle(this.record_reply).Next(this.replies_in)
    reply_owners_body = flow.Handle(this.record_reply).Next(this.replies_in)
    reply_residents_reps = flow.Handle(this.record_reply).Next(this.replies_in)
    replies_in = flow.Join().Next(this.open)
    open = flow.Handle(this.open_session).Next(this.run)
    run = flow.Handle(this.end_session).Next(this.minutes)
    minutes = flow.Handle(this.publish_minutes).Next(this.end)
    end = flow.End()

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


def process_of(session: Session) -> Process | None:
    """The session's process; None for a session created without one (e.g. seeded data),
    which then runs on the services alone."""
    ct = ContentType.objects.get_for_model(Session)
    return Process.objects.filter(
        flow_class=SessionFlow, artifact_content_type=ct, artifact_object_id=session.pk
    ).first()


def _serialise(session: Session) -> None:
    """Queue on the session row (a blocking lock) before viewflow takes its process lock.

    viewflow's ``select_for_update_lock`` uses NOWAIT; inside our transaction a refused
    NOWAIT aborts the whole PostgreSQL transaction, so its retries cannot succeed. Waiting
    on the session row first means the process lock is always free when we reach it, and
    five parties confirming in the same second all get through.
    """
    list(Session.objects.select_for_update().filter(pk=session.pk).values_list("pk", flat=True))


def _pending(session: Session, node: Any) -> Task | None:
    process = process_of(session)
    if process is None:
        return None
    return (
        Task.objects.filter(process=process, flow_task=node, status=STATUS.NEW)
        .order_by("id")
        .first()
    )


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
    task = _pending(invitation.session, node)
    if task is None:
        services.reply_to_invitation(actor=actor, invitation=invitation, attending=attending)
        return
    node.run(task, actor=actor, invitation=invitation, attending=attending)


@transaction.atomic
def open_session(*, actor: User, session: Session) -> Session:
    """Open when the quorum rule holds; parties that never replied are recorded so, which
    completes their tasks and lets the Join through."""
    from deliberation import policy

    policy.require(actor, "session.chair", session)
    _serialise(session)
    missing = services.quorum_missing(session)
    if missing:  # let the service word the refusal, before any task moves
        return services.open_session(actor=actor, session=session)
    for party, name in REPLY_NODES.items():
        node = getattr(SessionFlow, name)
        task = _pending(session, node)
        if task is not None:
            invitation = session.invitations.get(party=party)
            node.run(task, actor=actor, invitation=invitation, attending=None)
    task = _pending(session, SessionFlow.open)
    if task is None:
        return services.open_session(actor=actor, session=session)
    result: Session = SessionFlow.open.run(task, actor=actor, session=session)
    return result


def _advance(node: Any, *, actor: User, session: Session, fallback: Any) -> Any:
    _serialise(session)
    task = _pending(session, node)
    if task is None:
        return fallback(actor=actor, session=session)
    return node.run(task, actor=actor, session=session)


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
