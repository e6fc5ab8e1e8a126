"""Running a consultation session: convene, invite, open, rounds, positions, resolutions.

Every function changes state in one transaction, asks the policy where a user acts, and
pushes the room to its two audiences (``session:<id>:room`` for participants, with
staff-only notes; ``session:<id>:public`` for residents, without them). Rule breaches raise
``SessionConflict`` (HTTP 409) or ``ValidationError`` (HTTP 400) and change nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict
from deliberation.law.owners_votes import MatterKind
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import (
    AgendaItem,
    Attendance,
    Compound,
    Invitation,
    Issue,
    Membership,
    Organization,
    OwnersVote,
    Party,
    Position,
    Question,
    Residency,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
)
from deliberation.policy.sessions import forget_access
from deliberation.selectors.sessions import (
    PARTY_LABELS,
    PARTY_ORDER,
    room_context,
    session_for_room,
)
from deliberation.services import session_issues
from deliberation.services.votes import MatterSpec, propose_from_session
from deliberation.user_text import AGENDA_DESCRIPTION_MAX, clean_field, clean_link

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


def _locked(session: Session) -> Session:
    """The session row, locked for this transaction (serialises state changes)."""
    fresh = Session.objects.select_for_update().get(pk=session.pk)
    access = getattr(session, "_access", None)
    if access is not None:
        fresh._access = access  # type: ignore[attr-defined]
    return fresh


def _require_status(session: Session, *statuses: str) -> None:
    if session.status not in statuses:
        raise SessionConflict(
            _("The session is %(status)s; this is not possible now.")
            % {"status": session.get_status_display()}
        )


# --- convene and invite ------------------------------------------------------------------------


def party_organizations(compound: Compound) -> dict[str, Organization | None]:
    """Who speaks for each of the five parties of a compound."""
    community = compound.community
    return {
        Party.PARTY_ORG: community.party_committee,
        Party.RESIDENTS_COMMITTEE: community.residents_committee,
        Party.PROVIDER: compound.property_provider,
        Party.OWNERS_BODY: compound.owners_committee,
        Party.RESIDENTS_REPS: None,
    }


@transaction.atomic
def convene_session(
    *,
    convener: User,
    organization: Organization,
    compounds: Sequence[Compound],
    title: str,
    starts_at: datetime,
    chair: User | None = None,
    place: str = "",
    online_link: str = "",
    duration_minutes: int = 90,
    agenda: Iterable[dict[str, Any]] = (),
    required_parties: Sequence[str] | None = None,
    adoption_rule: str = Session.AdoptionRule.NO_OBJECTION,
) -> Session:
    """Create the session, its agenda and one invitation per party (all five are invited)."""
    if not compounds:
        raise ValidationError(_("Choose at least one compound."))
    for compound in compounds:
        policy.require(convener, "session.convene", compound)
    communities = {c.community_id for c in compounds}
    if len(communities) != 1:
        raise ValidationError(_("All compounds of a session must belong to one community."))
    if (
        organization.kind
        not in (
            Organization.Kind.PARTY_COMMITTEE,
            Organization.Kind.RESIDENTS_COMMITTEE,
        )
        or not Membership.objects.filter(
            user=convener, organization=organization, active=True
        ).exists()
    ):
        raise ValidationError(_("Convene as your community Party or residents' committee."))
    required = list(required_parties) if required_parties is not None else None
    if required is not None and not set(required) <= set(PARTY_ORDER):
        raise ValidationError(_("Unknown party in the rules."))
    title = clean_field(Session, "title", title, required=True)
    place = clean_field(Session, "place", place)
    online_link = clean_link(
        online_link, label=capfirst(Session._meta.get_field("online_link").verbose_name)
    )
    if not place and not online_link:
        raise ValidationError(_("Give a place or an online link."))
    agenda = [
        {
            **spec,
            "title": clean_field(AgendaItem, "title", spec["title"], required=True),
            "description": clean_field(
                AgendaItem,
                "description",
                spec.get("description", ""),
                limit=AGENDA_DESCRIPTION_MAX,
            ),
        }
        for spec in agenda
    ]
    session = Session.objects.create(
        title=title,
        community_id=compounds[0].community_id,
        convener=convener,
        convening_organization=organization,
        chair=chair or convener,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        online_link=online_link,
        adoption_rule=adoption_rule,
        **({"required_parties": required} if required is not None else {}),
    )
    session.compounds.set(compounds)
    items = []
    for order, spec in enumerate(agenda, start=1):
        items.append(
            (
                AgendaItem.objects.create(
                    session=session,
                    order=order,
                    title=spec["title"],
                    description=spec["description"],
                    time_budget_minutes=spec.get("time_budget_minutes", 20),
                ),
                spec.get("issues", ()),
            )
        )
    orgs = party_organizations(compounds[0])
    for party in PARTY_ORDER:
        Invitation.objects.create(session=session, party=party, organization=orgs[party])
    for item, issues in items:
        if issues:
            session_issues.put_on_agenda(item=item, issues=issues, actor=convener)
    push_room(session, kind="session.convened", actor=convener)
    return session


@transaction.atomic
def add_agenda_item(
    *,
    actor: User,
    session: Session,
    title: str,
    description: str = "",
    time_budget_minutes: int = 20,
    issues: Sequence[Issue] = (),
) -> AgendaItem:
    """Add a topic (optionally the issues it takes up) at the end of the agenda."""
    policy.require(actor, "session.manage", session)
    session = _locked(session)
    _require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(_("Give the topic."))
    title = clean_field(AgendaItem, "title", title)
    description = clean_field(AgendaItem, "description", description, limit=AGENDA_DESCRIPTION_MAX)
    last = session.items.aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(
        session=session,
        order=last + 1,
        title=title,
        description=description,
        time_budget_minutes=time_budget_minutes,
    )
    if issues:
        session_issues.put_on_agenda(item=item, issues=issues, actor=actor)
    push_room(session, kind="session.agenda", actor=actor)
    return item


@transaction.atomic
def reorder_agenda(*, actor: User, session: Session, item_ids: Sequence[int]) -> None:
    """Put the items in this order (every item of the session, each once)."""
    policy.require(actor, "session.manage", session)
    session = _locked(session)
    _require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    items = {i.pk: i for i in session.items.all()}
    if sorted(item_ids) != sorted(items):
        raise ValidationError(_("List every agenda item exactly once."))
    # Two passes keep the unique (session, order) constraint satisfied throughout.
    offset = len(items) + 1000
    for n, pk in enumerate(item_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(order=offset + n)
    for n, pk in enumerate(item_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(order=n)
    push_room(session, kind="session.agenda", actor=actor)


def eligible_delegates(invitation: Invitation) -> set[int]:
    """Members of the invited organization; for residents' representatives, residents of the
    compounds concerned."""
    if invitation.party == Party.RESIDENTS_REPS:
        compounds = invitation.session.compounds.values_list("id", flat=True)
        return set(
            Residency.objects.filter(unit__building__compound__in=compounds).values_list(
                "user_id", flat=True
            )
        )
    if invitation.organization_id is None:
        return set()
    return set(
        Membership.objects.filter(
            organization_id=invitation.organization_id, active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def name_delegates(*, actor: User, invitation: Invitation, delegates: Sequence[User]) -> None:
    """A party names who will speak for it (replacing any earlier list)."""
    policy.require(actor, "session.reply", invitation)
    session = _locked(invitation.session)
    _require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    if not delegates:
        raise ValidationError(_("Name at least one delegate."))
    allowed = eligible_delegates(invitation)
    wrong = [str(u) for u in delegates if u.pk not in allowed]
    if wrong:
        raise ValidationError(
            _("%(names)s cannot speak for %(party)s.")
            % {"names": "、".join(wrong), "party": party_label(invitation.party)}
        )
    invitation.delegates.set(delegates)
    forget_access(invitation.session)
    forget_access(session)
    push_room(session, kind="session.invitation", actor=actor)


@transaction.atomic
def reply_to_invitation(*, actor: User, invitation: Invitation, attending: bool | None) -> None:
    """Confirm (with delegates named) or decline; ``None`` records that no reply came."""
    if attending is not None:
        policy.require(actor, "session.reply", invitation)
    session = _locked(invitation.session)
    _require_status(session, Session.Status.CONVENED)
    invitation.refresh_from_db()
    if attending and not invitation.delegates.exists():
        raise ValidationError(_("Name your delegates before confirming."))
    if attending is None:
        if invitation.reply != Invitation.Reply.PENDING:
            return
        invitation.reply = Invitation.Reply.NO_REPLY
    else:
        invitation.reply = Invitation.Reply.CONFIRMED if attending else Invitation.Reply.DECLINED
        invitation.replied_by = actor
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "replied_by", "replied_at"])
    push_room(session, kind="session.invitation", actor=actor)


def quorum_missing(session: Session) -> list[str]:
    """Required parties that have not confirmed (the rule to open the session)."""
    confirmed = set(
        session.invitations.filter(reply=Invitation.Reply.CONFIRMED).values_list("party", flat=True)
    )
    return [p for p in session.required_parties if p not in confirmed]


@transaction.atomic
def open_session(*, actor: User, session: Session) -> Session:
    """The chair opens the session when the quorum-of-parties rule holds."""
    policy.require(actor, "session.chair", session)
    session = _locked(session)
    _require_status(session, Session.Status.CONVENED)
    missing = quorum_missing(session)
    if missing:
        raise SessionConflict(
            _("Cannot open: %(parties)s must confirm first.")
            % {"parties": "、".join(party_label(p) for p in missing)}
        )
    session.invitations.filter(reply=Invitation.Reply.PENDING).update(
        reply=Invitation.Reply.NO_REPLY, replied_at=timezone.now()
    )
    for inv in session.invitations.filter(reply=Invitation.Reply.CONFIRMED).prefetch_related(
        "delegates"
    ):
        Attendance.objects.update_or_create(
            session=session,
            party=inv.party,
            defaults={
                "present": True,
                "delegates_text": "、".join(str(u) for u in inv.delegates.all())[:300],
            },
        )
    session.status = Session.Status.OPEN
    session.opened_at = timezone.now()
    session.save(update_fields=["status", "opened_at"])
    push_room(session, kind="session.opened", actor=actor)
    return session


@transaction.atomic
def set_attendance(*, actor: User, session: Session, party: str, present: bool) -> None:
    """The secretary records a party arriving or leaving."""
    policy.require(actor, "session.manage", session)
    session = _locked(session)
    _require_status(session, Session.Status.OPEN)
    if party not in PARTY_ORDER:
        raise ValidationError(_("Unknown party."))
    Attendance.objects.update_or_create(session=session, party=party, defaults={"present": present})
    push_room(session, kind="session.attendance", actor=actor)


def _present(session: Session) -> list[str]:
    present = set(
        Attendance.objects.filter(session=session, present=True).values_list("party", flat=True)
    )
    return [p for p in PARTY_ORDER if p in present]


# --- items and rounds --------------------------------------------------------------------------


@transaction.atomic
def open_item(*, actor: User, item: AgendaItem) -> AgendaItem:
    """The chair takes up an agenda item (the room shows it as the current item)."""
    policy.require(actor, "session.chair", item.session)
    session = _locked(item.session)
    _require_status(session, Session.Status.OPEN)
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


def _current_item(session: Session) -> AgendaItem:
    if session.current_item_id is None:
        raise SessionConflict(_("No agenda item is open."))
    item = AgendaItem.objects.get(pk=session.current_item_id)
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    return item


@transaction.atomic
def open_round(*, actor: User, session: Session) -> Round:
    """The chair opens the next discussion round on the current item."""
    policy.require(actor, "session.chair", session)
    session = _locked(session)
    _require_status(session, Session.Status.OPEN)
    item = _current_item(session)
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


def _require_present(session: Session, party: str) -> list[str]:
    present = _present(session)
    if party not in present:
        raise SessionConflict(
            _("%(party)s is not recorded as present.") % {"party": party_label(party)}
        )
    return present


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
    _require_status(session, Session.Status.OPEN)
    present = _require_present(session, party)
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
    session = _locked(session)
    _require_status(session, Session.Status.OPEN)
    if party not in PARTY_ORDER or not 10 <= seconds <= 1800:
        raise ValidationError(_("Choose a party and between 10 and 1800 seconds."))
    session.speaker_party = party
    session.speaker_until = timezone.now() + timedelta(seconds=seconds)
    session.save(update_fields=["speaker_party", "speaker_until"])
    push_room(session, kind="session.countdown", actor=actor)


# --- resolutions -------------------------------------------------------------------------------


@transaction.atomic
def propose_resolution(
    *,
    actor: User,
    session: Session,
    decision: str,
    responsible_party: str,
    deadline: date,
    acceptance_criteria: str,
    cooperating_parties: Sequence[str] = (),
) -> Resolution:
    """The chair drafts a resolution on the current item and puts it to the parties."""
    policy.require(actor, "session.chair", session)
    session = _locked(session)
    _require_status(session, Session.Status.OPEN)
    item = _current_item(session)
    decision = clean_field(Resolution, "decision", decision)
    acceptance_criteria = clean_field(Resolution, "acceptance_criteria", acceptance_criteria)
    if not decision or not acceptance_criteria:
        raise ValidationError(_("Give the decision and its acceptance criteria."))
    if responsible_party not in PARTY_ORDER or not set(cooperating_parties) <= set(PARTY_ORDER):
        raise ValidationError(_("Unknown party."))
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    if Round.objects.filter(item=item, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("Close the open round first."))
    if Resolution.objects.filter(
        item=item, status__in=[Resolution.Status.VOTING, Resolution.Status.ADOPTED]
    ).exists():
        raise SessionConflict(_("A resolution on this item is already before the parties."))
    invitation = session.invitations.get(party=responsible_party)
    if invitation.organization_id is None:
        # Work orders go to an organization that answers for them.
        raise ValidationError(_("The responsible party must be an organization."))
    resolution = Resolution.objects.create(
        item=item,
        decision=decision.strip(),
        responsible_party=responsible_party,
        responsible_organization_id=invitation.organization_id,
        cooperating_parties=[p for p in PARTY_ORDER if p in set(cooperating_parties)],
        deadline=deadline,
        acceptance_criteria=acceptance_criteria.strip(),
        drafted_by=actor,
    )
    push_room(session, kind="session.resolution", actor=actor)
    return resolution


@transaction.atomic
def vote_on_resolution(
    *, actor: User, session: Session, party: str, choice: str, reason: str = ""
) -> ResolutionVote:
    """A present party agrees, objects (with a reason) or abstains; amendable until decided."""
    policy.require(actor, "session.speak", (session, party))
    if choice not in ResolutionVote.Choice.values:
        raise ValidationError(_("Choose agree, object or abstain."))
    reason = clean_field(ResolutionVote, "reason", reason)
    if choice == ResolutionVote.Choice.OBJECT and not reason:
        raise ValidationError(_("Give the reason for the objection."))
    session = Session.objects.get(pk=session.pk)
    _require_status(session, Session.Status.OPEN)
    _require_present(session, party)
    resolution = (
        Resolution.objects.select_for_update()
        .filter(item_id=session.current_item_id, status=Resolution.Status.VOTING)
        .first()
    )
    if resolution is None:
        raise SessionConflict(_("No resolution is open for votes."))
    ResolutionVote.objects.bulk_create(
        [
            ResolutionVote(
                resolution=resolution, party=party, choice=choice, reason=reason, author=actor
            )
        ],
        update_conflicts=True,
        unique_fields=["resolution", "party"],
        update_fields=["choice", "reason", "author", "updated_at"],
    )
    push_room(session, kind="session.vote", actor=actor)
    return ResolutionVote.objects.get(resolution=resolution, party=party)


def tally(rule: str, present: Sequence[str], votes: dict[str, str]) -> bool:
    """Apply the session's adoption rule to the present parties' votes."""
    if rule == Session.AdoptionRule.MAJORITY:
        agree = sum(1 for p in present if votes.get(p) == ResolutionVote.Choice.AGREE)
        return agree * 2 > len(present)
    return not any(votes.get(p) == ResolutionVote.Choice.OBJECT for p in present)


@transaction.atomic
def decide_resolution(*, actor: User, resolution: Resolution) -> Resolution:
    """The chair closes the vote once every present party has voted; the rule decides."""
    session = resolution.item.session
    policy.require(actor, "session.chair", session)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status != Resolution.Status.VOTING:
        raise SessionConflict(_("This resolution is already decided."))
    present = _present(session)
    votes = dict(resolution.votes.values_list("party", "choice"))
    waiting = [p for p in present if p not in votes]
    if waiting:
        raise SessionConflict(
            _("Waiting for the votes of %(parties)s.")
            % {"parties": "、".join(party_label(p) for p in waiting)}
        )
    adopted = tally(session.adoption_rule, present, votes)
    resolution.status = Resolution.Status.ADOPTED if adopted else Resolution.Status.REJECTED
    resolution.decided_at = timezone.now()
    resolution.save(update_fields=["status", "decided_at"])
    if adopted:
        item = resolution.item
        item.outcome = AgendaItem.Outcome.ADOPTED
        item.save(update_fields=["outcome"])
        session_issues.assign_resolution(actor=actor, resolution=resolution)
    else:
        session_issues.record_outcome(item=resolution.item, actor=actor, resolution=resolution)
    push_room(session, kind="session.decided", actor=actor)
    return resolution


# --- deferral and referral ---------------------------------------------------------------------


def _leave_item(item: AgendaItem) -> None:
    if Round.objects.filter(item=item, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("Close the open round first."))
    if Resolution.objects.filter(
        item=item, status__in=[Resolution.Status.VOTING, Resolution.Status.ADOPTED]
    ).exists():
        raise SessionConflict(_("A resolution on this item is before the parties or adopted."))


@transaction.atomic
def defer_item(
    *, actor: User, item: AgendaItem, to_session: Session | None = None
) -> AgendaItem | None:
    """Defer an item to a later session (carried onto its agenda when it is given)."""
    policy.require(actor, "session.chair", item.session)
    session = _locked(item.session)
    _require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    item.refresh_from_db()
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    _leave_item(item)
    carried = None
    if to_session is not None:
        if (
            to_session.pk == session.pk
            or to_session.community_id != session.community_id
            or to_session.status != Session.Status.CONVENED
        ):
            raise ValidationError(_("Defer to an upcoming session of the same community."))
        last = to_session.items.aggregate(m=Max("order"))["m"] or 0
        carried = AgendaItem.objects.create(
            session=to_session,
            order=last + 1,
            title=item.title,
            description=item.description,
            time_budget_minutes=item.time_budget_minutes,
            deferred_from=item,
        )
        carried.issues.set(item.issues.all())
        push_room(to_session, kind="session.agenda", actor=actor)
    item.outcome = AgendaItem.Outcome.DEFERRED
    item.deferred_to = to_session
    item.save(update_fields=["outcome", "deferred_to"])
    session_issues.record_outcome(item=item, actor=actor)
    push_room(session, kind="session.deferred", actor=actor)
    return carried


@transaction.atomic
def refer_to_owners_vote(
    *, actor: User, item: AgendaItem, kind: str = MatterKind.OTHER
) -> OwnersVote:
    """Refer an item to the owners' general meeting: a matter reserved to the owners
    (Civil Code art. 278) is not the session's to decide. Hands over to the owners'-vote
    area, where the residents' committee reviews the proposal."""
    policy.require(actor, "session.chair", item.session)
    session = _locked(item.session)
    _require_status(session, Session.Status.OPEN)
    item.refresh_from_db()
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    if kind not in {k.value for k in MatterKind}:
        raise ValidationError(_("Choose the kind of matter (Civil Code art. 278)."))
    _leave_item(item)
    item.outcome = AgendaItem.Outcome.REFERRED
    item.save(update_fields=["outcome"])
    compound = session.compounds.order_by("id").first()
    assert compound is not None  # a session always concerns a compound
    with translation.override(settings.LANGUAGE_CODE):
        origin = _("Consultation session #%(session)s, item %(item)s") % {
            "session": session.pk,
            "item": item.order,
        }
    proposal = propose_from_session(
        actor=actor,
        compound=compound,
        title=item.title,
        matters=[MatterSpec(kind=kind, title=item.title, description=item.description)],
        origin=origin,
    )
    session_issues.record_outcome(item=item, actor=actor)
    push_room(session, kind="session.referred", actor=actor)
    return proposal


# --- questions ---------------------------------------------------------------------------------


@transaction.atomic
def submit_question(*, actor: User, session: Session, text: str) -> Question:
    policy.require(actor, "session.ask", session)
    text = text.strip() if isinstance(text, str) else ""
    if not text or len(text) > 500:
        raise ValidationError(_("Write a question of at most 500 characters."))
    text = clean_field(Question, "text", text)
    session = Session.objects.get(pk=session.pk)
    _require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    question = Question.objects.create(session=session, author=actor, text=text)
    push_room(session, kind="session.question", actor=actor)
    return question


@transaction.atomic
def moderate_question(*, actor: User, question: Question, take_up: bool) -> Question:
    policy.require(actor, "session.chair", question.session)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.status != Question.Status.QUEUED:
        raise SessionConflict(_("This question was already handled."))
    question.status = Question.Status.TAKEN_UP if take_up else Question.Status.DISMISSED
    question.moderated_at = timezone.now()
    question.save(update_fields=["status", "moderated_at"])
    push_room(question.session, kind="session.question", actor=actor)
    return question


# --- end -----------------------------------------------------------------------------------


def _defer_open_items(session: Session, actor: User) -> None:
    """Items not decided when the session ends are deferred to a later session, never left
    "in discussion": that is what a chair who runs out of time expects (the room says so
    next to the end button; defer to a chosen session or refer to an owners' vote first to
    decide otherwise). The reason goes into the minutes and the issues wait for a session."""
    with translation.override(settings.LANGUAGE_CODE):
        reason = _("Not reached before the session ended; deferred to a later session.")
    for item in session.items.filter(
        outcome__in=[AgendaItem.Outcome.PENDING, AgendaItem.Outcome.IN_DISCUSSION]
    ):
        item.outcome = AgendaItem.Outcome.DEFERRED
        item.deferral_reason = reason[:200]
        item.save(update_fields=["outcome", "deferral_reason"])
        session_issues.record_outcome(item=item, actor=actor)


@transaction.atomic
def end_session(*, actor: User, session: Session) -> Session:
    """The chair ends the session: undecided items are deferred (``_defer_open_items``)
    and the minutes are generated from the record."""
    from deliberation.services.minutes import generate_minutes

    policy.require(actor, "session.chair", session)
    session = _locked(session)
    _require_status(session, Session.Status.OPEN)
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
