"""Owners' votes: proposal, petition, review, notice, ballots, tally, publication.

Every legal rule comes from ``deliberation.law.owners_votes``; this module applies it to
stored data, checks who acts (``policy.require``) and pushes the live fragments. Status
changes send ``vote_changed`` so the viewflow process (``workflows.owners_vote``) follows
without the domain knowing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict
from deliberation.law import owners_votes as law
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import (
    Announcement,
    Ballot,
    BallotAudit,
    Compound,
    Matter,
    MeetingRules,
    Organization,
    OwnersVote,
    PetitionSignature,
    User,
    Voter,
)
from deliberation.periodic import periodic
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.selectors.votes import turnout, vote_page_context
from deliberation.user_text import clean_field

S = OwnersVote.Status

#: Sent (inside the transaction) after every status change: ``sender=OwnersVote, vote=``.
vote_changed = Signal()


class VoteConflict(Conflict):
    """The vote is not in a state that allows this (HTTP 409)."""


@dataclass(frozen=True)
class MatterSpec:
    """What a proposer puts on the agenda."""

    kind: str
    title: str
    description: str = ""
    effect: str = Matter.Effect.NONE
    effect_organization: Organization | None = None
    candidate: User | None = None


def notice_days() -> tuple[int, timedelta]:
    """The notice period: 15 days (BJ reg. art. 35).

    ``YISHI_DEMO_NOTICE_MINUTES`` (a documented demo/test setting, honoured only with
    DEBUG on) replaces it by minutes so the whole procedure can be walked through in
    ``make run``; every notice then says it is not lawful.
    """
    minutes = getattr(settings, "YISHI_DEMO_NOTICE_MINUTES", None)
    if minutes is not None and settings.DEBUG:
        return 0, timedelta(minutes=minutes)
    return law.NOTICE_DAYS, timedelta(days=law.NOTICE_DAYS)


# --- internals --------------------------------------------------------------------------------


def _locked(vote: OwnersVote) -> OwnersVote:
    return OwnersVote.objects.select_for_update().select_related("compound").get(pk=vote.pk)


def _require_status(vote: OwnersVote, *allowed: str) -> None:
    if vote.status not in allowed:
        raise VoteConflict(
            _("This vote is now “%(status)s”; the action is no longer possible.")
            % {"status": vote.get_status_display()}
        )


def _push(vote: OwnersVote, kind: str, actor: Any = None) -> None:
    """Re-render the vote's public panel (status, petition counter, turnout, results)."""
    record_event(
        topic=topic("vote", vote.pk, "public"),
        kind=kind,
        template="votes/_panel.html",
        context=vote_page_context(vote),
        actor=actor,
    )


def _push_staff(vote: OwnersVote, actor: Any = None) -> None:
    from deliberation.selectors.votes import pending_paper_ballots

    record_event(
        topic=topic("vote", vote.pk, "staff"),
        kind="vote.paper",
        template="votes/_paper_queue.html",
        context={"vote": vote, "pending": list(pending_paper_ballots(vote))},
        actor=actor,
    )


def _changed(vote: OwnersVote, kind: str, actor: Any = None) -> None:
    _push(vote, kind, actor)
    vote_changed.send(sender=OwnersVote, vote=vote)


def _create_matters(vote: OwnersVote, matters: list[MatterSpec]) -> None:
    if not matters:
        raise ValidationError(_("Put at least one matter on the agenda."))
    for i, spec in enumerate(matters, start=1):
        law.MatterKind(spec.kind)  # only the nine kinds of art. 278
        if not spec.title.strip():
            raise ValidationError(_("Every matter needs a title."))
        title = clean_field(Matter, "title", spec.title)
        description = clean_field(Matter, "description", spec.description)
        Matter.objects.create(
            vote=vote,
            position=i,
            kind=spec.kind,
            title=title,
            description=description,
            effect=spec.effect,
            effect_organization=spec.effect_organization,
            candidate=spec.candidate,
        )


def _new_vote(
    *, actor: User, compound: Compound, title: str, origin: str, status: str, note: str = ""
) -> OwnersVote:
    if not title.strip():
        raise ValidationError(_("The vote needs a title."))
    title = clean_field(OwnersVote, "title", title)
    rules = MeetingRules.objects.filter(compound=compound).first()
    return OwnersVote.objects.create(
        compound=compound,
        title=title,
        origin=origin,
        origin_note=note,
        status=status,
        proposed_by=actor,
        non_voters_follow_majority=bool(rules and rules.non_voters_follow_majority),
    )


# --- proposal ---------------------------------------------------------------------------------


@transaction.atomic
def propose_vote(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec]
) -> OwnersVote:
    """The owners' committee (or 物管会) proposes a meeting; it goes to review."""
    policy.require(actor, "vote.propose", compound)
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.COMMITTEE,
        status=S.REVIEW,
    )
    _create_matters(vote, matters)
    _changed(vote, "vote.proposed", actor)
    return vote


@transaction.atomic
def propose_from_session(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec], origin: str
) -> OwnersVote:
    """Hook for consultation sessions: refer a resolution to the owners' general meeting.

    Called by the sessions area when a resolution needs the owners' decision (Civil Code
    art. 278). ``actor`` is the person closing the resolution (party staff serving the
    compound); ``origin`` is a short human reference shown on the vote, e.g.
    ``"议事协商会 #12 决议 3"``; ``matters`` are ``MatterSpec`` rows typed by art. 278. The
    vote starts at review by the residents' committee, like a committee proposal.
    """
    policy.require(actor, "vote.refer", compound)
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.SESSION,
        status=S.REVIEW,
        note=origin[:200],
    )
    _create_matters(vote, matters)
    _changed(vote, "vote.proposed", actor)
    return vote


# --- petition (BJ reg. arts. 35–36) -----------------------------------------------------------


@transaction.atomic
def start_petition(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec]
) -> OwnersVote:
    """An owner starts a petition for a temporary meeting and signs it first."""
    policy.require(actor, "vote.petition", compound)
    register = owner_register(compound)
    head = register.head(head_key(person_id=actor.pk))
    if head is None:
        raise ValidationError(_("Only owners on the register can start a petition."))
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.PETITION,
        status=S.PETITIONING,
    )
    vote.total_heads, vote.total_area = register.total.heads, register.total.area
    vote.petition_needed = law.petition_heads_needed(vote.total_heads)
    vote.save(update_fields=["total_heads", "total_area", "petition_needed"])
    _create_matters(vote, matters)
    PetitionSignature.objects.create(vote=vote, key=head.key, label=head.label, recorded_by=actor)
    vote_changed.send(sender=OwnersVote, vote=vote)  # the process starts
    _after_signature(vote, actor, kind="vote.petition_started")
    return vote


def _after_signature(vote: OwnersVote, actor: User, *, kind: str) -> None:
    signed = vote.signatures.count()
    if law.petition_reached(signed, vote.total_heads):  # BJ reg. art. 35
        now = timezone.now()
        vote.status = S.CONVENING
        vote.petition_reached_at = now
        vote.convene_by = law.convene_deadline(now)
        vote.save(update_fields=["status", "petition_reached_at", "convene_by"])
        _changed(vote, "vote.petition_reached", actor)
    else:
        _push(vote, kind, actor)


@transaction.atomic
def sign_petition(*, actor: User, vote: OwnersVote) -> PetitionSignature:
    """An owner signs online. One signature per head (an owner of several units signs once)."""
    vote = _locked(vote)
    policy.require(actor, "vote.sign", vote)
    _require_status(vote, S.PETITIONING)
    head = owner_register(vote.compound).head(head_key(person_id=actor.pk))
    if head is None:
        raise ValidationError(_("Only owners on the register can sign."))
    if vote.signatures.filter(key=head.key).exists():
        raise VoteConflict(_("You have already signed this petition."))
    sig = PetitionSignature.objects.create(
        vote=vote, key=head.key, label=head.label, recorded_by=actor
    )
    _after_signature(vote, actor, kind="vote.signed")
    return sig


@transaction.atomic
def record_paper_signature(*, actor: User, vote: OwnersVote, key: str) -> PetitionSignature:
    """Staff record an owner's signature on paper (the head is chosen from the register)."""
    vote = _locked(vote)
    policy.require(actor, "vote.record_paper", vote)
    _require_status(vote, S.PETITIONING)
    head = owner_register(vote.compound).head(key)
    if head is None:
        raise ValidationError(_("Choose an owner from the register."))
    if vote.signatures.filter(key=key).exists():
        raise VoteConflict(_("This owner has already signed."))
    sig = PetitionSignature.objects.create(
        vote=vote, key=key, label=head.label, online=False, recorded_by=actor
    )
    _after_signature(vote, actor, kind="vote.signed")
    return sig


@transaction.atomic
def order_convening(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """BJ reg. art. 36: owners may ask the subdistrict to order the committee to convene."""
    vote = _locked(vote)
    policy.require(actor, "vote.order", vote)
    _require_status(vote, S.CONVENING)
    vote.convening_ordered_at = timezone.now()
    vote.save(update_fields=["convening_ordered_at"])
    _push(vote, "vote.ordered", actor)
    return vote


@transaction.atomic
def convene(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """The committee convenes the temporary meeting (BJ reg. art. 35); if it has not by the
    deadline, or the subdistrict ordered it in vain, the subdistrict convenes (art. 36)."""
    vote = _locked(vote)
    policy.require(actor, "vote.convene", vote)
    _require_status(vote, S.CONVENING)
    vote.status = S.REVIEW
    vote.convened_by = actor
    vote.convened_by_subdistrict = not policy.can(actor, "vote.propose", vote.compound)
    vote.save(update_fields=["status", "convened_by", "convened_by_subdistrict"])
    _changed(vote, "vote.convened", actor)
    return vote


# --- review and notice (BJ reg. art. 35) ------------------------------------------------------


@transaction.atomic
def review(*, actor: User, vote: OwnersVote, observer: User) -> OwnersVote:
    """The residents' committee takes the report and names its observer."""
    vote = _locked(vote)
    policy.require(actor, "vote.review", vote)
    _require_status(vote, S.REVIEW)
    rc = vote.compound.community.residents_committee_id or 0
    if not observer.memberships.filter(organization_id=rc, active=True).exists():
        raise ValidationError(_("The observer must be a member of the residents' committee."))
    vote.status = S.PREPARING
    vote.observer = observer
    vote.reviewed_at = timezone.now()
    vote.save(update_fields=["status", "observer", "reviewed_at"])
    _changed(vote, "vote.reviewed", actor)
    return vote


@transaction.atomic
def publish_notice(
    *,
    actor: User,
    vote: OwnersVote,
    opens_at: datetime,
    closes_at: datetime,
    place_and_method: str,
) -> OwnersVote:
    """Notice every owner ≥ 15 days before voting opens; freeze the electorate.

    BJ reg. art. 35: agenda, content, time, place and method go to every owner; only the
    matters noticed now can be voted on (matters cannot be added afterwards).
    """
    vote = _locked(vote)
    policy.require(actor, "vote.notice", vote)
    place_and_method = clean_field(OwnersVote, "place_and_method", place_and_method)
    _require_status(vote, S.PREPARING)
    now = timezone.now()
    days, period = notice_days()
    if opens_at < now + period:
        raise ValidationError(
            _("Voting may open no sooner than %(days)s days after the notice (from %(when)s).")
            % {
                "days": days,
                "when": timezone.localtime(now + period).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if closes_at <= opens_at:
        raise ValidationError(_("Voting must close after it opens."))
    register = owner_register(vote.compound)
    if not register.heads:
        raise ValidationError(_("The owner register of this compound is empty."))
    person_ids = [h.person_id for h in register.heads if h.person_id]
    online = set(
        User.objects.filter(pk__in=person_ids)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .values_list("pk", flat=True)
    )
    Voter.objects.bulk_create(
        Voter(
            vote=vote,
            key=h.key,
            person_id=h.person_id,
            organization_id=h.organization_id,
            label=h.label,
            units="、".join(h.units)[:400],
            area=h.area,
            # Delivery (送达): online accounts get it in the app now; others by paper, which
            # staff record (``record_delivery``).
            delivered_at=now if h.person_id in online else None,
            delivery_method="app" if h.person_id in online else "",
        )
        for h in register.heads
    )
    total = register.total
    vote.total_heads, vote.total_area = total.heads, total.area
    vote.status = S.NOTICED
    vote.noticed_at = now
    vote.opens_at, vote.closes_at = opens_at, closes_at
    vote.place_and_method = place_and_method
    vote.save()
    Announcement.objects.create(
        compound=vote.compound,
        organization=_acting_org(actor, vote),
        author=actor,
        title=_("Notice of owners' meeting: %(title)s") % {"title": vote.title},
        body=_notice_text(vote),
        link=reverse("vote-detail", args=[vote.pk]),
    )
    _push_board(vote, actor)
    _changed(vote, "vote.noticed", actor)
    return vote


def _acting_org(actor: User, vote: OwnersVote) -> Organization:
    compound = vote.compound
    for org_id in (compound.owners_committee_id, compound.community.residents_committee_id):
        if org_id and actor.memberships.filter(organization_id=org_id, active=True).exists():
            return Organization.objects.get(pk=org_id)
    org = actor.memberships.filter(active=True).select_related("organization").first()
    if org is None:
        raise ValidationError(_("You act for no organization."))
    return org.organization


def _notice_text(vote: OwnersVote) -> str:
    lines = [
        _("Voting: %(opens)s – %(closes)s. %(place)s")
        % {
            "opens": timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
            "place": vote.place_and_method,
        }
    ]
    for m in vote.matters.all():
        lines.append(f"{m.position}. {m.title}（{m.get_kind_display()}）")
    return "\n".join(lines)[:4000]


def _push_board(vote: OwnersVote, actor: User) -> None:
    from deliberation.services.announcements import BOARD_TEMPLATE, board_context

    record_event(
        topic=topic("compound", vote.compound_id, "public"),
        kind="announcement.posted",
        template=BOARD_TEMPLATE,
        context=board_context(vote.compound),
        actor=actor,
    )


@transaction.atomic
def record_delivery(*, actor: User, vote: OwnersVote, voter_ids: list[int], method: str) -> int:
    """Staff record paper delivery (送达) of the notice to owners without an account."""
    policy.require(actor, "vote.record_paper", vote)
    if vote.noticed_at is None:
        raise VoteConflict(_("The notice has not been published yet."))
    n = Voter.objects.filter(vote=vote, pk__in=voter_ids, delivered_at__isnull=True).update(
        delivered_at=timezone.now(), delivery_method=method[:32] or "paper"
    )
    _push(vote, "vote.delivered", actor)
    return n


# --- voting -----------------------------------------------------------------------------------


@transaction.atomic
def open_voting(*, vote: OwnersVote, now: datetime | None = None) -> bool:
    """Open the ballot box once the notice period has run (periodic job or page visit)."""
    vote = _locked(vote)
    now = now or timezone.now()
    if vote.status != S.NOTICED or vote.opens_at is None or vote.opens_at > now:
        return False
    vote.status = S.VOTING
    vote.save(update_fields=["status"])
    _changed(vote, "vote.opened")
    return True


def _voter_for(vote: OwnersVote, user: User) -> Voter:
    voter = Voter.objects.filter(vote=vote, person=user).first()
    if voter is None:
        raise ValidationError(_("You are not on this meeting's register of owners."))
    return voter


def _check_matter(vote: OwnersVote, matter: Matter) -> None:
    if matter.vote_id != vote.pk:
        raise ValidationError(_("Only noticed matters can be voted on."))  # BJ reg. art. 35


@transaction.atomic
def cast_ballot(*, actor: User, matter: Matter, choice: str) -> Ballot:
    """An owner votes online; they may change their choice until voting closes."""
    vote = _locked(matter.vote)
    policy.require(actor, "vote.cast", vote)
    _require_status(vote, S.VOTING)
    _check_matter(vote, matter)
    if choice not in Ballot.Choice.values:
        raise ValidationError(_("Choose agree, disagree or abstain."))
    voter = _voter_for(vote, actor)
    ballot = Ballot.objects.select_for_update().filter(matter=matter, voter=voter).first()
    if ballot is not None and ballot.channel == Ballot.Channel.PAPER:
        raise VoteConflict(_("Your paper ballot for this matter has been recorded."))
    if ballot is None:
        ballot = Ballot.objects.create(
            matter=matter,
            voter=voter,
            choice=choice,
            channel=Ballot.Channel.ONLINE,
            cast_by=actor,
            confirmed=True,
        )
        action = BallotAudit.Action.CAST
    else:
        ballot.choice = choice
        ballot.save(update_fields=["choice", "updated_at"])
        action = BallotAudit.Action.CHANGED
    BallotAudit.objects.create(
        matter=matter, voter=voter, action=action, choice=choice, actor=actor
    )
    _push(vote, "vote.turnout", actor)
    return ballot


@transaction.atomic
def enter_paper_ballot(*, actor: User, matter: Matter, voter: Voter, choice: str) -> Ballot:
    """Staff enter a paper ballot; it counts only after a second person confirms it."""
    vote = _locked(matter.vote)
    policy.require(actor, "vote.enter_paper", vote)
    _require_status(vote, S.VOTING)
    _check_matter(vote, matter)
    if voter.vote_id != vote.pk:
        raise ValidationError(_("Choose an owner from this meeting's register."))
    if choice not in Ballot.Choice.values:
        raise ValidationError(_("Choose agree, disagree or abstain."))
    if Ballot.objects.filter(matter=matter, voter=voter).exists():
        raise VoteConflict(_("A ballot of this owner for this matter is already recorded."))
    ballot = Ballot.objects.create(
        matter=matter, voter=voter, choice=choice, channel=Ballot.Channel.PAPER, cast_by=actor
    )
    BallotAudit.objects.create(
        matter=matter,
        voter=voter,
        action=BallotAudit.Action.PAPER_ENTERED,
        choice=choice,
        actor=actor,
    )
    _push_staff(vote, actor)
    return ballot


@transaction.atomic
def confirm_paper_ballot(*, actor: User, ballot: Ballot, choice: str) -> Ballot | None:
    """A second person re-enters the choice from the paper (double entry).

    Matching entries count; a mismatch discards the entry (both are in the audit trail) so
    the ballot is entered again. The person who entered it cannot confirm it.
    """
    ballot = Ballot.objects.select_for_update().select_related("matter__vote").get(pk=ballot.pk)
    vote = _locked(ballot.matter.vote)
    policy.require(actor, "vote.enter_paper", vote)
    _require_status(vote, S.VOTING)
    if ballot.confirmed:
        raise VoteConflict(_("This ballot is already confirmed."))
    if ballot.cast_by_id == actor.pk:
        raise ValidationError(_("A second person must confirm the paper ballot."))
    matches = choice == ballot.choice
    BallotAudit.objects.create(
        matter=ballot.matter,
        voter=ballot.voter,
        action=BallotAudit.Action.PAPER_CONFIRMED if matches else BallotAudit.Action.PAPER_REJECTED,
        choice=choice,
        actor=actor,
    )
    if matches:
        ballot.confirmed, ballot.confirmed_by = True, actor
        ballot.save(update_fields=["confirmed", "confirmed_by", "updated_at"])
        _push(vote, "vote.turnout", actor)
    else:
        ballot.delete()
    _push_staff(vote, actor)
    return ballot if matches else None


@transaction.atomic
def close_voting(*, vote: OwnersVote, now: datetime | None = None) -> bool:
    """Close when the announced time is reached; unconfirmed paper entries do not count."""
    vote = _locked(vote)
    now = now or timezone.now()
    if vote.status != S.VOTING or vote.closes_at is None or vote.closes_at > now:
        return False
    vote.status = S.CLOSED
    vote.closed_at = now
    vote.publish_by = law.publication_deadline(now)  # BJ reg. art. 37
    vote.save(update_fields=["status", "closed_at", "publish_by"])
    _changed(vote, "vote.closed")
    return True


def _tally_json(t: law.Tally) -> dict[str, Any]:
    def w(x: law.Weight) -> list[Any]:
        return [x.heads, str(x.area)]

    return {
        "outcome": str(t.outcome),
        "agree": w(t.counts.agree),
        "disagree": w(t.counts.disagree),
        "abstain": w(t.counts.abstain),
        "participating": w(t.counts.participating),
        "total": w(t.total),
        "quorum_heads": t.quorum_heads,
        "quorum_area": t.quorum_area,
        "agree_heads": t.agree_heads,
        "agree_area": t.agree_area,
        "threshold": str(t.threshold),
        "at_least": t.strict_threshold,
    }


def matter_tallies(vote: OwnersVote) -> dict[int, tuple[law.Tally, law.Tally | None]]:
    """The strict tally of every matter (and the "followers" one where the rules enable it)."""
    total = law.Weight(vote.total_heads, Decimal(vote.total_area))
    ballots: dict[int, list[law.Ballot]] = {}
    for matter_id, voter_id, heads_area, choice in (
        Ballot.objects.filter(matter__vote=vote, confirmed=True)
        .values_list("matter_id", "voter_id", "voter__area", "choice")
        .order_by("id")
    ):
        ballots.setdefault(matter_id, []).append(
            law.Ballot(voter_id, law.Weight(1, heads_area), law.Choice(choice))
        )
    out: dict[int, tuple[law.Tally, law.Tally | None]] = {}
    for matter in vote.matters.all():
        counts = law.Counts.of(ballots.get(matter.pk, []))
        strict = law.tally(matter.kind, total, counts)
        deemed = (
            law.tally_with_followers(matter.kind, total, counts)
            if vote.non_voters_follow_majority
            else None
        )
        out[matter.pk] = (strict, deemed)
    return out


@transaction.atomic
def tally_vote(*, vote: OwnersVote) -> OwnersVote:
    """Count every matter by Civil Code art. 278: quorum first, then its threshold."""
    vote = _locked(vote)
    _require_status(vote, S.CLOSED)
    tallies = matter_tallies(vote)
    for matter in vote.matters.all():
        strict, deemed = tallies[matter.pk]
        matter.outcome = str(strict.outcome)
        matter.tally = {"strict": _tally_json(strict)}
        if deemed is not None:
            matter.tally["deemed"] = _tally_json(deemed)
        matter.save(update_fields=["outcome", "tally"])
    vote.status = S.TALLIED
    vote.save(update_fields=["status"])
    _changed(vote, "vote.tallied")
    return vote


@transaction.atomic
def publish_results(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """Post the decisions to the compound (BJ reg. art. 37) and carry out passed matters."""
    vote = _locked(vote)
    policy.require(actor, "vote.publish", vote)
    _require_status(vote, S.TALLIED)
    vote.status = S.PUBLISHED
    vote.published_at = timezone.now()
    vote.published_by = actor
    vote.save(update_fields=["status", "published_at", "published_by"])
    lines = []
    for matter in vote.matters.all():
        lines.append(f"{matter.position}. {matter.title}：{_outcome_label(matter.outcome)}")
        if matter.outcome == law.Outcome.PASSED:
            _carry_out(actor, vote, matter)
    Announcement.objects.create(
        compound=vote.compound,
        organization=_acting_org(actor, vote),
        author=actor,
        title=_("Decisions of the owners' meeting: %(title)s") % {"title": vote.title},
        body="\n".join(lines)[:4000],
        link=reverse("vote-detail", args=[vote.pk]),
    )
    from deliberation.services.committees import conclude_election

    conclude_election(vote=vote)  # an owners' committee election: rank and seat the members
    _push_board(vote, actor)
    _changed(vote, "vote.published", actor)
    return vote


def _outcome_label(outcome: str) -> str:
    labels: dict[str, str] = {
        law.Outcome.PASSED: _("passed"),
        law.Outcome.REJECTED: _("rejected"),
        law.Outcome.VOID_NO_QUORUM: _("void: no quorum"),
    }
    return labels.get(outcome, outcome)


def _carry_out(actor: User, vote: OwnersVote, matter: Matter) -> None:
    """Passed matters take effect: a work order, the new firm, a committee member."""
    from deliberation.services import vote_effects

    vote_effects.carry_out(actor=actor, vote=vote, matter=matter)


# --- deadlines --------------------------------------------------------------------------------


@periodic("owners_votes_clock")
def run_clock(now: datetime | None = None) -> int:
    """Open and close ballot boxes on time; alert the subdistrict when the committee has not
    convened by its deadline (BJ reg. art. 36) or results are not posted in 3 days (art. 37)."""
    now = now or timezone.now()
    changed = 0
    for vote in OwnersVote.objects.filter(status=S.NOTICED, opens_at__lte=now):
        changed += open_voting(vote=vote, now=now)
    for vote in OwnersVote.objects.filter(status=S.VOTING, closes_at__lte=now):
        changed += close_voting(vote=vote, now=now)
    for field, status, deadline in (
        ("convene_escalated_at", S.CONVENING, "convene_by"),
        ("publish_escalated_at", S.TALLIED, "publish_by"),
    ):
        overdue = OwnersVote.objects.filter(
            status=status, **{f"{deadline}__lte": now, f"{field}__isnull": True}
        ).select_related("compound__community")
        for vote in overdue:
            changed += _escalate(vote, field, now)
    return changed


@transaction.atomic
def _escalate(vote: OwnersVote, field: str, now: datetime) -> int:
    if not OwnersVote.objects.filter(pk=vote.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    ):
        return 0  # another worker did it
    setattr(vote, field, now)
    orgs = list(
        Organization.objects.filter(
            subdistrict_id=vote.compound.community.subdistrict_id,
            kind__in=[Organization.Kind.SUBDISTRICT_OFFICE, Organization.Kind.SUPERVISION_GROUP],
        ).values_list("pk", flat=True)
    )
    rc = vote.compound.community.residents_committee_id
    for org_id in [*orgs, *([rc] if rc else [])]:
        record_event(
            topic=topic("org", org_id, "inbox"),
            kind="vote.overdue",
            template="votes/_overdue.html",
            context={"vote": vote, "what": field},
        )
    _push(vote, "vote.overdue")
    return 1


__all__ = [
    "MatterSpec",
    "VoteConflict",
    "cast_ballot",
    "close_voting",
    "confirm_paper_ballot",
    "convene",
    "enter_paper_ballot",
    "open_voting",
    "order_convening",
    "propose_from_session",
    "propose_vote",
    "publish_notice",
    "publish_results",
    "record_delivery",
    "record_paper_signature",
    "review",
    "sign_petition",
    "start_petition",
    "tally_vote",
    "turnout",
]
