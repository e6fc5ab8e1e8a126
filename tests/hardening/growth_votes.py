"""Query-budget helpers of the votes area: how to make the rows its pages and fragments list
grow, and the transitions that push its fragments (used by ``budgets.py``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.law.owners_votes import Seat
from deliberation.models import (
    BodySeat,
    Candidate,
    CommitteeBody,
    CommitteeElection,
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


# --- the controls of a compound and of its election, fetched again after a push ------------


def controls_url(kind: str) -> Any:
    """``/compound/<团结公寓>/controls/`` or the controls of its election (made if need be)."""

    def url(demo: Any) -> str:
        pk = _election(demo).pk if kind == "election" else demo.tuanjie.pk
        return reverse("action-controls", args=[kind, pk])

    return url


def composition_rows(demo: Any, i: int) -> dict[str, Any]:
    """A 物管会 of seven entered so far: four owners, the community and the subdistrict."""
    from deliberation.selectors.owner_register import owner_register

    owners = [h.person_id for h in owner_register(demo.tuanjie).heads if h.person_id][:4]
    others = [demo.user(u).pk for u in ("juwei", "shuji", "jiedao")]
    seats = ["owner"] * len(owners) + ["residents_committee", "party", "subdistrict"]
    data = {"form_pm_committee-chair": others[0]}
    for n, (pk, seat) in enumerate(zip(owners + others, seats, strict=True), 1):
        data[f"form_pm_committee-person_{n}"] = pk
        data[f"form_pm_committee-seat_{n}"] = seat
    return data


def grow_zhonglu_owners(demo: Any, n: int) -> None:
    """``n`` owners in 中路北六条: the 物管会 form offers each of them in every member row."""
    from decimal import Decimal

    from deliberation.models import Building, Compound, Ownership, Unit

    compound = Compound.objects.get(name="中路北六条")
    building, _created = Building.objects.get_or_create(compound=compound, name="预算楼")
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(username=f"budget-z{start + i}", display_name=f"业主{start + i}", password="!")
        for i in range(n)
    )
    units = Unit.objects.bulk_create(
        Unit(building=building, number=f"Z{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )
    Ownership.objects.bulk_create(
        Ownership(unit=u, person=p) for u, p in zip(units, people, strict=True)
    )
