"""Concurrency on PostgreSQL: simultaneous paper entries, confirmations and petition
signatures end with exactly one result each and a clear conflict for the loser."""

from __future__ import annotations

import pytest
from django.db import connection

from deliberation.models import Ballot, OwnersVote, PetitionSignature, User
from deliberation.selectors.owner_register import owner_register
from deliberation.services import votes as svc
from tests.concurrency import run_together

pytestmark = pytest.mark.django_db(transaction=True)

MEETING = "2026年第一次临时业主大会（示例）"


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_database_is_postgresql(tdemo) -> None:
    assert connection.vendor == "postgresql"


def test_two_staff_enter_the_same_paper_ballot(tdemo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    matter = vote.matters.order_by("position").first()
    voter = vote.voters.filter(ballots__isnull=True, organization__isnull=False).first()
    juwei, chair = user("juwei"), user("yeweihui")
    results = run_together(
        [
            lambda: svc.enter_paper_ballot(actor=juwei, matter=matter, voter=voter, choice="agree"),
            lambda: svc.enter_paper_ballot(
                actor=chair, matter=matter, voter=voter, choice="disagree"
            ),
        ]
    )
    assert sum(isinstance(r, Ballot) for r in results) == 1
    assert sum(isinstance(r, svc.VoteConflict) for r in results) == 1
    assert Ballot.objects.filter(matter=matter, voter=voter).count() == 1


def test_two_confirmations_of_one_entry(tdemo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    matter = vote.matters.order_by("position").first()
    voter = vote.voters.filter(ballots__isnull=True, organization__isnull=False).first()
    ballot = svc.enter_paper_ballot(actor=user("juwei"), matter=matter, voter=voter, choice="agree")
    chair = user("yeweihui")
    second = User.objects.create_user("yeweihui2")  # another member of the committee
    second.memberships.create(organization=vote.compound.owners_committee, role="member")
    results = run_together(
        [
            lambda: svc.confirm_paper_ballot(actor=chair, ballot=ballot, choice="agree"),
            lambda: svc.confirm_paper_ballot(actor=second, ballot=ballot, choice="agree"),
        ]
    )
    assert sum(isinstance(r, Ballot) for r in results) == 1
    assert sum(isinstance(r, svc.VoteConflict) for r in results) == 1
    ballot.refresh_from_db()
    assert ballot.confirmed


def test_last_signatures_arrive_together(tdemo) -> None:
    vote = OwnersVote.objects.get(title__startswith="临时业主大会提议")
    signed = set(vote.signatures.values_list("key", flat=True))
    heads = owner_register(vote.compound).heads
    ids = [h.person_id for h in heads if h.person_id and h.key not in signed]
    others = list(User.objects.filter(pk__in=ids).exclude(username="jumin").order_by("pk")[:2])
    results = run_together(
        [lambda u=u: svc.sign_petition(actor=u, vote=vote) for u in [user("jumin"), *others]]
    )
    # One signature was missing: the first to get the lock reaches 20 %; the petition is then
    # complete and the others are told so (409), not counted twice.
    assert sum(isinstance(r, PetitionSignature) for r in results) == 1, results
    assert sum(isinstance(r, svc.VoteConflict) for r in results) == 2, results
    vote.refresh_from_db()
    assert vote.status == OwnersVote.Status.CONVENING
    assert vote.signatures.count() == vote.petition_needed
