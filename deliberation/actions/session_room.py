"""What the session area's steps share: refusals in the one error model, and telling the
room's pages which controls to fetch again (a step on one kind changes what another offers:
a party confirming lets the chair open; a round opening gives every delegate the position
form), and what a session's state allows now (no query: read from its loaded row)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from deliberation.errors import InvalidInput
from deliberation.live.refresh import refresh_controls
from deliberation.live.topics import topic
from deliberation.models import (
    AgendaItem,
    Invitation,
    Session,
)
from deliberation.selectors.sessions import PARTY_LABELS, agenda_rows

S = Session.Status
UNDECIDED = (AgendaItem.Outcome.PENDING, AgendaItem.Outcome.IN_DISCUSSION)


def when_text(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def party_label(party: str) -> str:
    return str(PARTY_LABELS.get(party, party))


@contextmanager
def refusals() -> Iterator[None]:
    """The session services word their input refusals as ``ValidationError`` (the shared
    text cleaners do too): the action view answers them as ``InvalidInput`` (400)."""
    try:
        yield
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages)) from None


def room_topics(session_id: int) -> tuple[str, ...]:
    return (topic("session", session_id, "room"), topic("session", session_id, "public"))


def refresh_room(session: Session, actor: Any, *, session_too: bool = True) -> None:
    """Steps on one kind change what the others offer: the session's controls and every
    party's invitation controls are fetched again by the pages showing them."""
    topics = room_topics(session.pk)
    if session_too:
        refresh_controls(kind="session", pk=session.pk, topics=topics, actor=actor)
    for pk in Invitation.objects.filter(session_id=session.pk).values_list("pk", flat=True):
        refresh_controls(kind="invitation", pk=pk, topics=topics, actor=actor)


def invited_organizations(session: Session) -> list[int]:
    return [
        o
        for o in Invitation.objects.filter(session_id=session.pk).values_list(
            "organization_id", flat=True
        )
        if o
    ]


# --- what a session's state allows (read from ``session_for_room``'s annotations) ---------


def agenda_of(session: Session) -> list[Any]:
    return agenda_rows(session)


def undecided(session: Session) -> list[Any]:
    return [r for r in agenda_of(session) if r.description in UNDECIDED]


def current_open(session: Session) -> bool:
    """An item is being discussed (current and not yet decided)."""
    return any(
        r.pk == session.current_item_id and r.description == AgendaItem.Outcome.IN_DISCUSSION
        for r in agenda_of(session)
    )


def busy(session: Session) -> bool:
    """A round is open or the parties are voting: the item cannot be left now."""
    return bool(
        getattr(session, "open_round_pk", None) or getattr(session, "voting_resolution_pk", None)
    )


def running(session: Session) -> bool:
    return session.status in (S.CONVENED, S.OPEN)


def quorum(session: Session) -> bool:
    confirmed = {
        i.party for i in session.invitations.all() if i.reply == Invitation.Reply.CONFIRMED
    }
    return set(session.required_parties) <= confirmed


def all_voted(session: Session) -> bool:
    present = set(getattr(session, "present_party_list", None) or [])
    voted = set(getattr(session, "voted_party_list", None) or [])
    return present <= voted


def item_choices(session: Session, *, pending_only: bool = False) -> list[tuple[int, str]]:
    wanted = (AgendaItem.Outcome.PENDING,) if pending_only else UNDECIDED
    return [(r.pk, r.title) for r in agenda_of(session) if r.description in wanted]
