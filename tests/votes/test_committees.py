"""Owners' committee election, chair, registration, re-election, 物管会 (BJ reg. arts. 39–59)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deliberation.errors import Conflict, InvalidInput
from deliberation.law.owners_votes import Seat
from deliberation.models import (
    CommitteeBody,
    CommitteeElection,
    Compound,
    Event,
    Membership,
    Organization,
    OwnersVote,
    User,
)
from deliberation.selectors.owner_register import owner_register
from deliberation.services import committees as svc
from deliberation.services import votes as vote_svc


def owner_people(compound: Compound) -> list[User]:
    ids = [h.person_id for h in owner_register(compound).heads if h.person_id]
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def test_seat_rules_and_term_are_checked(demo) -> None:
    juwei = demo.user("juwei")
    with pytest.raises(InvalidInput) as e:
        svc.start_election(actor=juwei, compound=demo.tuanjie, seats=4)
    assert "单数" in str(e.value) or "odd" in str(e.value)
    with pytest.raises(InvalidInput):
        svc.start_election(actor=juwei, compound=demo.tuanjie, seats=5, alternates=6)
    with pytest.raises(InvalidInput):
        svc.start_election(actor=juwei, compound=demo.tuanjie, seats=5, term_years=6)
    # 团结公寓 has 48 households (≤ 100): 3 members are allowed.
    assert svc.start_election(actor=juwei, compound=demo.tuanjie, seats=3).seats == 3
    with pytest.raises(PermissionDenied):
        svc.start_election(actor=demo.user("jumin"), compound=demo.tuanjie, seats=5)


def test_candidates_must_be_eligible(demo) -> None:
    juwei = demo.user("juwei")
    election = svc.start_election(actor=juwei, compound=demo.tuanjie, seats=3)
    with pytest.raises(InvalidInput):
        svc.nominate(
            actor=juwei, election=election, person=demo.user("wuye"), nominated_by="owners"
        )
    owner = owner_people(demo.tuanjie)[0]
    with pytest.raises(InvalidInput):
        svc.nominate(
            actor=juwei,
            election=election,
            person=owner,
            nominated_by="owners",
            interest_in_property_firm=True,
        )
    with pytest.raises(InvalidInput):
        svc.nominate(actor=juwei, election=election, person=owner, nominated_by="developer")
    assert svc.nominate(actor=juwei, election=election, person=owner, nominated_by="party")


def test_election_runs_as_an_owners_vote_and_seats_the_winners(demo) -> None:
    c = demo.tuanjie
    juwei, chair = demo.user("juwei"), demo.user("yeweihui")
    election = svc.start_election(actor=juwei, compound=c, seats=3, alternates=1, term_years=5)
    people = owner_people(c)
    candidates = people[:5]
    for p in candidates:
        svc.nominate(actor=juwei, election=election, person=p, nominated_by="owners")
    vote = svc.put_to_owners(actor=chair, election=election, title="第五届业委会选举")
    assert vote.matters.count() == 5 and {m.kind for m in vote.matters.all()} == {"committee"}
    vote_svc.review(actor=juwei, vote=vote, observer=juwei)
    now = timezone.now()
    vote_svc.publish_notice(
        actor=chair,
        vote=vote,
        opens_at=now + timedelta(days=15, minutes=1),
        closes_at=now + timedelta(days=20),
        place_and_method="",
    )
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=timezone.now())
    vote.refresh_from_db()
    vote_svc.open_voting(vote=vote)
    matters = list(vote.matters.order_by("position"))
    # 40 owners vote; the candidates get 40, 37, 34, 31 and 15 agree votes (the last fails).
    agrees = [40, 37, 34, 31, 15]
    for n, voter in enumerate(people[:40]):
        for i, m in enumerate(matters):
            choice = "agree" if n < agrees[i] else "disagree"
            vote_svc.cast_ballot(actor=voter, matter=m, choice=choice)
    OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    vote.refresh_from_db()
    vote_svc.close_voting(vote=vote)
    vote_svc.publish_results(actor=chair, vote=vote)
    election.refresh_from_db()
    assert election.status == CommitteeElection.Status.ELECTED
    elected = dict(election.candidates.values_list("person_id", "elected"))
    assert [elected[p.pk] for p in candidates] == ["member", "member", "member", "alternate", ""]
    committee = election.committee
    committee.refresh_from_db()
    assert committee.term_number == 5
    assert committee.term_end == date(
        committee.term_start.year + 5, committee.term_start.month, committee.term_start.day
    )
    active = set(
        Membership.objects.filter(organization=committee, active=True).values_list(
            "user_id", flat=True
        )
    )
    assert active == {p.pk for p in candidates[:3]}
    deadlines = svc.deadlines(election)
    assert deadlines["chair_by"] == election.elected_on + timedelta(days=7)
    assert deadlines["register_by"] == election.elected_on + timedelta(days=30)
    # Chair: an elected member only; then the subdistrict registers.
    with pytest.raises(InvalidInput):
        svc.elect_chair(actor=juwei, election=election, chair=candidates[3])
    with pytest.raises(Conflict):  # before the chair is elected
        svc.register_committee(actor=demo.user("jiedao"), election=election)
    svc.elect_chair(actor=juwei, election=election, chair=candidates[0])
    with pytest.raises(PermissionDenied):
        svc.register_committee(actor=juwei, election=election)
    svc.register_committee(actor=demo.user("jiedao"), election=election)
    election.refresh_from_db()
    assert election.status == CommitteeElection.Status.REGISTERED


def test_reelection_reminder_six_months_before_term_end(demo) -> None:
    committee = demo.tuanjie.owners_committee
    assert committee.term_end == date(2028, 5, 31)
    assert svc.remind_reelection(today=date(2027, 11, 29)) == 0
    before = Event.objects.filter(topic=f"org:{committee.pk}:inbox").count()
    assert svc.remind_reelection(today=date(2027, 11, 30)) == 1
    assert svc.remind_reelection(today=date(2027, 12, 1)) == 0  # once
    assert Event.objects.filter(topic=f"org:{committee.pk}:inbox").count() == before + 1
    body = CommitteeBody.objects.get(organization=committee, kind="reelection_group")
    svc.report_term_end(actor=demo.user("yeweihui"), body=body)
    body.refresh_from_db()
    assert body.form_by == body.reported_on + timedelta(days=60)
    seats = [
        (demo.user("jumin"), Seat.OWNER),
        (demo.user("yeweihui"), Seat.OWNER),
        (demo.user("juwei"), Seat.RESIDENTS_COMMITTEE),
    ]
    with pytest.raises(InvalidInput) as e:
        svc.form_reelection_group(actor=demo.user("jiedao"), body=body, seats=seats)
    assert len(e.value.fields["__all__"]) == 2  # no Party organization, no subdistrict
    seats += [
        (demo.user("shuji"), Seat.PARTY),
        (demo.user("jiedao"), Seat.SUBDISTRICT),
    ]
    with pytest.raises(InvalidInput):  # 2 owners of 5 < 1/2
        svc.form_reelection_group(actor=demo.user("jiedao"), body=body, seats=seats)
    owners = owner_people(demo.tuanjie)[:2]
    seats += [(owners[0], Seat.OWNER), (owners[1], Seat.OWNER)]
    svc.form_reelection_group(actor=demo.user("jiedao"), body=body, seats=seats)
    assert body.seats.count() == 7


def test_pm_committee_formation_and_dissolution(demo) -> None:
    c = Compound.objects.get(name="水碓子东里")
    jiedao, juwei = demo.user("jiedao"), demo.user("juwei2")
    owners = list(User.objects.filter(username__startswith="owner-").order_by("pk")[:4])
    seats = [(o, Seat.OWNER) for o in owners] + [
        (juwei, Seat.RESIDENTS_COMMITTEE),
        (demo.user("shuji2"), Seat.PARTY),
        (jiedao, Seat.SUBDISTRICT),
    ]
    start = date(2026, 1, 1)
    with pytest.raises(InvalidInput):  # chaired by an owner
        svc.form_pm_committee(
            actor=jiedao,
            compound=c,
            name="水碓子东里物管会",
            seats=seats,
            chair=owners[0],
            term_start=start,
            term_end=date(2028, 12, 31),
        )
    with pytest.raises(InvalidInput):  # term over 3 years
        svc.form_pm_committee(
            actor=jiedao,
            compound=c,
            name="水碓子东里物管会",
            seats=seats,
            chair=juwei,
            term_start=start,
            term_end=date(2029, 1, 2),
        )
    with pytest.raises(InvalidInput):  # 6 members
        svc.form_pm_committee(
            actor=jiedao,
            compound=c,
            name="水碓子东里物管会",
            seats=seats[1:],
            chair=juwei,
            term_start=start,
            term_end=date(2028, 12, 31),
        )
    body = svc.form_pm_committee(
        actor=jiedao,
        compound=c,
        name="水碓子东里物管会",
        seats=seats,
        chair=juwei,
        term_start=start,
        term_end=date(2028, 12, 31),
    )
    c.refresh_from_db()
    assert c.owners_committee == body.organization
    assert body.organization.kind == Organization.Kind.PROPERTY_MANAGEMENT_COMMITTEE
    assert Membership.objects.get(organization=body.organization, role="chair").user == juwei
    with pytest.raises(Conflict):  # 团结公寓 already has an owners' committee
        svc.form_pm_committee(
            actor=jiedao,
            compound=demo.tuanjie,
            name="x",
            seats=seats,
            chair=juwei,
            term_start=start,
            term_end=date(2028, 12, 31),
        )
    svc.dissolve_pm_committee(actor=jiedao, body=body)
    assert not Membership.objects.filter(organization=body.organization, active=True).exists()


def test_registering_an_owners_committee_sets_the_pm_committee_dissolution_deadline(demo) -> None:
    c = Compound.objects.get(name="中路北六条")
    pmc = c.owners_committee
    body = CommitteeBody.objects.create(
        kind="pm_committee", compound=c, organization=pmc, formed_on=date(2024, 3, 1)
    )
    jiedao, juwei = demo.user("jiedao"), demo.user("juwei")
    election = svc.start_election(actor=jiedao, compound=c, seats=3)
    owner = owner_people(c)[0]
    CommitteeElection.objects.filter(pk=election.pk).update(
        status="elected", elected_on=date(2026, 1, 5)
    )
    election.refresh_from_db()
    election.candidates.create(person=owner, nominated_by="owners", elected="member")
    svc.elect_chair(actor=juwei, election=election, chair=owner)
    svc.register_committee(actor=jiedao, election=election, registered_on=date(2026, 1, 20))
    body.refresh_from_db()
    assert body.dissolve_by == date(2026, 2, 19)
    c.refresh_from_db()
    assert c.owners_committee == election.committee
