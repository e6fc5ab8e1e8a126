"""Ending a session: undecided items are deferred and the minutes drafted."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.models import (
    AgendaItem,
    Resolution,
    Round,
    Session,
    User,
)
from deliberation.services import session_issues
from deliberation.stored_messages import message

from .common import (
    SessionConflict,
    locked,
    push_room,
    require_status,
)
from .minutes import generate_minutes

# --- end -----------------------------------------------------------------------------------


def _defer_open_items(session: Session, actor: User) -> None:
    """Items not decided when the session ends are deferred to a later session, never left
    "in discussion": that is what a chair who runs out of time expects (the room says so
    next to the end button; defer to a chosen session or refer to an owners' vote first to
    decide otherwise). The reason goes into the minutes and the issues wait for a session."""
    reason = message(
        gettext_noop("Not reached before the session ended; deferred to a later session.")
    )
    for item in session.items.filter(
        outcome__in=[AgendaItem.Outcome.PENDING, AgendaItem.Outcome.IN_DISCUSSION]
    ):
        item.outcome = AgendaItem.Outcome.DEFERRED
        item.deferral_message = reason.as_json()  # read in each reader's language
        item.deferral_reason = reason.in_language(settings.LANGUAGE_CODE)[:200]
        item.save(update_fields=["outcome", "deferral_message", "deferral_reason"])
        session_issues.record_outcome(item=item, actor=actor)


@transaction.atomic
def end_session(*, actor: User, session: Session) -> Session:
    """The chair ends the session: undecided items are deferred (``_defer_open_items``)
    and the minutes are generated from the record."""
    policy.require(actor, "session.chair", session)
    session = locked(session)
    require_status(session, Session.Status.OPEN)
    if Round.objects.filter(item__session=session, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("Close the open round first."))
    if Resolution.objects.filter(item__session=session, status=Resolution.Status.VOTING).exists():
        raise SessionConflict(_("The parties are voting on a resolution."))
    _defer_open_items(session, actor)
    session.status = Session.Status.ENDED
    session.ended_at = timezone.now()
    session.current_item = None
    session.speaker_party, session.speaker_until = "", None
    session.save(
        update_fields=["status", "ended_at", "current_item", "speaker_party", "speaker_until"]
    )
    generate_minutes(session=session)
    push_room(session, kind="session.ended", actor=actor)
    return session
