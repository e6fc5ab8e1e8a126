"""The ballot box: opening and closing on time, online ballots, paper ballots entered twice."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.live.refresh import refresh_tasks
from deliberation.models import Ballot, BallotAudit, Matter, OwnersVote, User, Voter
from deliberation.selectors.votes import voter_people

from .common import (
    S,
    VoteConflict,
    _changed,
    _invalid,
    _locked,
    _push,
    _push_staff,
    _require_status,
)


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
    refresh_tasks(users=voter_people(vote))  # every owner on the register: "cast your ballot"
    return True


def _voter_for(vote: OwnersVote, user: User) -> Voter:
    voter = Voter.objects.filter(vote=vote, person=user).first()
    if voter is None:
        raise _invalid(_("You are not on this meeting's register of owners."))
    return voter


def _check_matter(vote: OwnersVote, matter: Matter) -> None:
    if matter.vote_id != vote.pk:
        raise _invalid(_("Only noticed matters can be voted on."))  # BJ reg. art. 35


@transaction.atomic
def cast_ballot(*, actor: User, matter: Matter, choice: str) -> Ballot:
    """An owner votes online; they may change their choice until voting closes."""
    vote = _locked(matter.vote)
    policy.require(actor, "vote.cast", vote)
    _require_status(vote, S.VOTING)
    _check_matter(vote, matter)
    if choice not in Ballot.Choice.values:
        raise _invalid(_("Choose agree, disagree or abstain."))
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
        raise _invalid(_("Choose an owner from this meeting's register."))
    if choice not in Ballot.Choice.values:
        raise _invalid(_("Choose agree, disagree or abstain."))
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
        raise _invalid(_("A second person must confirm the paper ballot."))
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
    refresh_tasks(users=voter_people(vote))
    return True
