"""Items and discussion rounds: opening an item, rounds, positions, the speaker's countdown."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import (
    AgendaItem,
    Position,
    Resolution,
    Round,
    Session,
    User,
)
from deliberation.selectors.sessions import (
    PARTY_ORDER,
)
from deliberation.services import session_issues
from deliberation.user_text import clean_field

from .common import (
    SessionConflict,
    current_item,
    locked,
    push_room,
    require_present,
    require_status,
)

# --- items and rounds --------------------------------------------------------------------------


@transaction.atomic
def open_item(*, actor: User, item: AgendaItem) -> AgendaItem:
    """The chair takes up an agenda item (the room shows it as the current item)."""
    policy.require(actor, "session.chair", item.session)
    session = locked(item.session)
    require_status(session, Session.Status.OPEN)
    item.refresh_from_db()
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    if (
        session.current_item_id
        and session.current_item_id != item.pk
        and (
            Round.objects.filter(item_id=session.current_item_id, status=Round.Status.OPEN).exists()
            or Resolution.objects.filter(
                item_id=session.current_item_id, status=Resolution.Status.VOTING
            ).exists()
        )
    ):
        raise SessionConflict(_("Finish the round or the vote on the current item first."))
    item.outcome = AgendaItem.Outcome.IN_DISCUSSION
    item.save(update_fields=["outcome"])
    session.current_item = item
    session.save(update_fields=["current_item"])
    push_room(session, kind="session.item", actor=actor)
    return item


@transaction.atomic
def open_round(*, actor: User, session: Session) -> Round:
    """The chair opens the next discussion round on the current item."""
    policy.require(actor, "session.chair", session)
    session = locked(session)
    require_status(session, Session.Status.OPEN)
    item = current_item(session)
    if Round.objects.filter(item=item, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("A round is already open."))
    if Resolution.objects.filter(item=item, status=Resolution.Status.VOTING).exists():
        raise SessionConflict(_("The parties are voting on a resolution."))
    number = (item.rounds.aggregate(m=Max("number"))["m"] or 0) + 1
    rnd = Round.objects.create(item=item, number=number)
    session.speaker_party, session.speaker_until = "", None
    session.save(update_fields=["speaker_party", "speaker_until"])
    push_room(session, kind="session.round_opened", actor=actor)
    return rnd


def _close(rnd: Round, actor: User | None) -> None:
    rnd.status = Round.Status.CLOSED
    rnd.closed_at = timezone.now()
    rnd.closed_by = actor
    rnd.save(update_fields=["status", "closed_at", "closed_by"])
    session_issues.record_round(rnd=rnd, actor=actor)


@transaction.atomic
def close_round(*, actor: User, round: Round) -> Round:
    """The chair closes a round. Of two chairs closing at once, one wins; the other gets 409."""
    session = round.item.session
    policy.require(actor, "session.chair", session)
    rnd = Round.objects.select_for_update().get(pk=round.pk)
    if rnd.status != Round.Status.OPEN:
        raise SessionConflict(_("This round is already closed."))
    _close(rnd, actor)
    push_room(session, kind="session.round_closed", actor=actor)
    return rnd


@transaction.atomic
def state_position(
    *, actor: User, session: Session, party: str, stance: str, statement: str = ""
) -> Position:
    """A party states (or amends) its position in the open round.

    The open round's row is locked so a close cannot slip in between the check and the
    write; the position itself is an upsert on (round, party), so parties posting at the
    same moment queue briefly on that row and are all recorded.
    """
    policy.require(actor, "session.speak", (session, party))
    if stance not in Position.Stance.values:
        raise ValidationError(_("Choose a stance."))
    statement = clean_field(Position, "statement", statement)
    session = Session.objects.get(pk=session.pk)
    require_status(session, Session.Status.OPEN)
    present = require_present(session, party)
    rnd = (
        Round.objects.select_for_update()
        .filter(item_id=session.current_item_id, status=Round.Status.OPEN)
        .first()
    )
    if rnd is None:
        raise SessionConflict(_("No round is open; positions can no longer be changed."))
    Position.objects.bulk_create(
        [Position(round=rnd, party=party, stance=stance, statement=statement, author=actor)],
        update_conflicts=True,
        unique_fields=["round", "party"],
        update_fields=["stance", "statement", "author", "updated_at"],
    )
    position = Position.objects.get(round=rnd, party=party)
    if session.auto_close_rounds and set(present) <= set(
        rnd.positions.values_list("party", flat=True)
    ):
        _close(rnd, actor)
    push_room(session, kind="session.position", actor=actor)
    return position


@transaction.atomic
def start_countdown(*, actor: User, session: Session, party: str, seconds: int) -> None:
    """Optional: give a party the floor for a number of seconds, visible to all."""
    policy.require(actor, "session.chair", session)
    session = locked(session)
    require_status(session, Session.Status.OPEN)
    if party not in PARTY_ORDER or not 10 <= seconds <= 1800:
        raise ValidationError(_("Choose a party and between 10 and 1800 seconds."))
    session.speaker_party = party
    session.speaker_until = timezone.now() + timedelta(seconds=seconds)
    session.save(update_fields=["speaker_party", "speaker_until"])
    push_room(session, kind="session.countdown", actor=actor)
