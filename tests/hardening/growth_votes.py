"""Query-budget helpers of the votes area: how to make the rows its pages and fragments list
grow, and the transitions that push its fragments (used by ``budgets.py``)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from deliberation.law.owners_votes import Seat
from deliberation.models import (
    BodySeat,
    Candidate,
    CommitteeBody,
    CommitteeElection,
    OwnersVote,
    User,
)

# --- the committee page: candidates of the election, re-election groups and 物管会 with seats --


def _election(demo: Any) -> CommitteeElection:
    found = CommitteeElection.objects.filter(compound=demo.tuanjie).first()
    if found is not None:
        return found
    return CommitteeElection.objects.create(
        compound=demo.tuanjie, committee_id=demo.tuanjie.owners_committee_id, seats=5
    )


def grow_committee(demo: Any, n: int) -> None:
    """``n`` candidates in the election, ``n`` bodies (re-election groups and 物管会, with
    their report, formation and term dates) with a seat each."""
    compound = demo.tuanjie
    election = _election(demo)
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(username=f"budget-c{start + i}", display_name=f"候选人{start + i}", password="!")
        for i in range(n)
    )
    Candidate.objects.bulk_create(
        Candidate(election=election, person=p, nominated_by=Candidate.Source.OWNERS) for p in people
    )
    today = timezone.localdate()
    bodies = CommitteeBody.objects.bulk_create(
        CommitteeBody(
            kind=CommitteeBody.Kind.PM_COMMITTEE if i % 2 else CommitteeBody.Kind.REELECTION_GROUP,
            compound=compound,
            organization_id=compound.owners_committee_id,
            report_due=today - timedelta(days=i),
            reported_on=today,
            formed_on=today,
            term_end=today + timedelta(days=365),
        )
        for i in range(n)
    )
    BodySeat.objects.bulk_create(
        BodySeat(body=b, person=p, seat=Seat.OWNER, is_chair=i % 2 == 1)
        for i, (b, p) in enumerate(zip(bodies, people, strict=True))
    )


# --- votes/_overdue.html: the owners' votes clock (BJ reg. art. 36) ---------------------------


def grow_convening(demo: Any, n: int) -> None:
    """Meetings waiting to be convened: half within their deadline, half already escalated
    (the clock must look at neither)."""
    now = timezone.now()
    OwnersVote.objects.bulk_create(
        OwnersVote(
            compound=demo.tuanjie,
            title=f"预算召集{i}",
            origin=OwnersVote.Origin.PETITION,
            status=OwnersVote.Status.CONVENING,
            proposed_by=demo.user("jumin"),
            convene_by=now + timedelta(days=10) if i % 2 else now - timedelta(days=10),
            convene_escalated_at=None if i % 2 else now - timedelta(days=9),
        )
        for i in range(n)
    )


def overdue_petition(demo: Any, i: int) -> OwnersVote:
    """A petition that reached 20 % whose committee let the convening deadline pass."""
    now = timezone.now()
    return OwnersVote.objects.create(
        compound=demo.tuanjie,
        title=f"预算逾期召集{i}",
        origin=OwnersVote.Origin.PETITION,
        status=OwnersVote.Status.CONVENING,
        proposed_by=demo.user("jumin"),
        petition_reached_at=now - timedelta(days=40),
        convene_by=now - timedelta(minutes=1),
    )


def run_votes_clock(demo: Any, vote: OwnersVote) -> int:
    """The periodic job: it escalates the overdue meeting to the subdistrict's inboxes."""
    from deliberation.services.votes import run_clock

    changed = run_clock(now=timezone.now())
    assert changed == 1, changed
    return changed


# --- committees/_reelection_reminder.html: the re-election reminder (BJ reg. art. 49) ---------


def grow_reminders(demo: Any, n: int) -> None:
    """Earlier terms' re-election records of 团结公寓's committee."""
    compound = demo.tuanjie
    CommitteeBody.objects.bulk_create(
        CommitteeBody(
            kind=CommitteeBody.Kind.REELECTION_GROUP,
            compound=compound,
            organization_id=compound.owners_committee_id,
            term_end=date(1990, 1, 1) + timedelta(days=CommitteeBody.objects.count() + i),
            reported_on=date(1990, 1, 1),
        )
        for i in range(n)
    )


def term_ending(demo: Any, i: int) -> date:
    """团结公寓's committee starts a term that ends within six months (a new one each time)."""
    committee = demo.tuanjie.owners_committee
    committee.term_end = timezone.localdate() + timedelta(days=30 + i)
    committee.save(update_fields=["term_end"])
    return committee.term_end


def remind(demo: Any, term_end: date) -> int:
    """The periodic job: one reminder to the committee's inbox for the new term end."""
    from deliberation.services.committees import remind_reelection

    sent = remind_reelection(today=timezone.localdate())
    assert sent == 1, sent
    return sent
