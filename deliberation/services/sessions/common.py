"""What every step of a session shares: its conflict, the room push, the row lock and
the state checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from deliberation.errors import Conflict
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import (
    AgendaItem,
    Attendance,
    Session,
)
from deliberation.selectors.sessions import (
    PARTY_LABELS,
    PARTY_ORDER,
    room_context,
    session_for_room,
)

BOARD_TEMPLATE = "sessions/_board.html"


class SessionConflict(Conflict):
    """The session is not in a state that allows this (HTTP 409); nothing was changed."""


def party_label(party: str) -> str:
    return str(PARTY_LABELS.get(party, party))


def push_room(session: Session, *, kind: str, actor: Any = None) -> None:
    """Re-render the room once per audience; full re-renders, so replays are idempotent.
    The session and its invitations are read once for both audiences."""
    loaded = session_for_room(session.pk)
    for audience in ("room", "public"):
        record_event(
            topic=topic("session", session.pk, audience),
            kind=kind,
            template=BOARD_TEMPLATE,
            context=room_context(loaded, audience=audience),
            actor=actor,
        )


def locked(session: Session) -> Session:
    """The session row, locked for this transaction (serialises state changes)."""
    fresh = Session.objects.select_for_update().get(pk=session.pk)
    access = getattr(session, "_access", None)
    if access is not None:
        fresh._access = access  # type: ignore[attr-defined]
    return fresh


def require_status(session: Session, *statuses: str) -> None:
    if session.status not in statuses:
        raise SessionConflict(
            _("The session is %(status)s; this is not possible now.")
            % {"status": session.get_status_display()}
        )


def present_of(session: Session) -> list[str]:
    present = set(
        Attendance.objects.filter(session=session, present=True).values_list("party", flat=True)
    )
    return [p for p in PARTY_ORDER if p in present]


def current_item(session: Session) -> AgendaItem:
    if session.current_item_id is None:
        raise SessionConflict(_("No agenda item is open."))
    item = AgendaItem.objects.get(pk=session.current_item_id)
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    return item


def require_present(session: Session, party: str) -> list[str]:
    present = present_of(session)
    if party not in present:
        raise SessionConflict(
            _("%(party)s is not recorded as present.") % {"party": party_label(party)}
        )
    return present
