"""compute_results: one firm's score recomputed by hand from its inputs and the cycle's
published weights, the survey weight moving, the household-weighted average, the override
of an upheld appeal (docs/law.md §9)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation.models import (
    Appeal,
    Compound,
    EvidenceEntry,
    Issue,
    Organization,
    PartyScore,
)
from deliberation.selectors.evaluation_inputs import measured_inputs
from deliberation.services.evaluations.grading import to_cents
from deliberation.services.evaluations.scoring import compute_results
from tests.support.demo import Demo
from tests.support.evaluations import at, cycle, issue, result, score, survey_answers, work_order

H = timedelta(hours=1)
D = timedelta(days=1)
S = PartyScore.Scorer
ALL_FIVE = {
    "service": 30,
    "response": 20,
    "party_building": 15,
    "cooperation": 20,
    "transparency": 15,
}


def points(total: int) -> dict[str, int]:
    """Criterion points adding up to ``total`` (out of 100)."""
    given, left = {}, total
    for key, top in ALL_FIVE.items():
        given[key] = min(top, left)
        left -= given[key]
    return given


def evidence(org: Organization, demo: Demo, **fields: object) -> EvidenceEntry:
    defaults: dict[str, object] = {
        "kind": EvidenceEntry.Kind.HONOUR,
        "title": "测试",
        "source": "街道",
        "occurred_on": at(2024, 3, 1).date(),
        "points": Decimal(1),
        "entered_by": demo.user("jiedao"),
    }
    return EvidenceEntry.objects.create(organization=org, **{**defaults, **fields})


def test_one_firms_score_recomputed_by_hand_equals_the_platforms(demo: Demo) -> None:
    the_cycle = cycle(2024, 1)
    tuanjie = demo.tuanjie
    firm = tuanjie.property_provider
    assert firm is not None
    # Four orders: 3 of 4 accepted by the respond-by clock, 2 of 4 completed by resolve-by.
    work_order(tuanjie, at(2024, 1, 10), accepted_after=2 * H, completed_after=2 * D)
    work_order(tuanjie, at(2024, 2, 10), accepted_after=30 * H, completed_after=60 * H)
    work_order(tuanjie, at(2024, 3, 10), accepted_after=1 * H, completed_after=5 * D)
    work_order(tuanjie, at(2024, 4, 10), accepted_after=3 * H, completed_after=None)
    # Five rated issues (2 satisfied, 2 basically, 1 not), one reopened; 3 hotline tickets.
    R = Issue.Rating
    for rating in (R.SATISFIED, R.SATISFIED, R.BASICALLY_SATISFIED, R.BASICALLY_SATISFIED):
        issue(tuanjie, at(2024, 2, 1), rating=rating)
    issue(tuanjie, at(2024, 2, 2), rating=R.DISSATISFIED, reopened=True)
    for month in (1, 2, 3):
        issue(tuanjie, at(2024, month, 5), hotline=True)
    # The other compounds' tickets set the median of tickets per 100 households.
    issue(demo.compound("水碓子东里"), at(2024, 2, 5), hotline=True)
    for month in (2, 4):
        issue(demo.compound("团结湖北里直管公房"), at(2024, month, 5), hotline=True)
    # Outside the period: not counted.
    issue(tuanjie, at(2024, 7, 1), hotline=True)
    survey_answers(the_cycle, tuanjie, 5, 4, 4, 3, 5)
    community = tuanjie.community
    assert community.party_committee and community.residents_committee
    score(the_cycle, firm, S.PARTY_COMMITTEE, community.party_committee, points(82), tuanjie)
    score(the_cycle, firm, S.RESIDENTS_COMMITTEE, community.residents_committee, points(70))
    office = Organization.objects.get(kind=Organization.Kind.SUBDISTRICT_OFFICE)
    score(the_cycle, firm, S.DEPARTMENT, office, points(90))
    score(the_cycle, firm, S.SELF, firm, points(95))
    evidence(firm, demo, points=Decimal(3))
    evidence(firm, demo, kind=EvidenceEntry.Kind.PENALTY, points=Decimal(-2), compound=tuanjie)
    evidence(firm, demo, points=Decimal(5), expires_on=at(2024, 5, 1).date())  # expired
    withdrawn = evidence(firm, demo, points=Decimal(5))
    withdrawn.withdrawn_at = at(2024, 6, 1)
    withdrawn.save()

    compute_results(cycle=the_cycle)

    m = the_cycle.method
    w = {k: Fraction(v["points"]) for k, v in {**m["measured"], **m["parties"]}.items()}
    households = {"团结公寓": 48, "轻工宿舍": 30, "水碓子东里": 36, "团结湖北里直管公房": 40}
    assert tuanjie.households == households["团结公寓"]
    # The median is over the compounds with service data in the half-year: these three (轻工宿舍
    # and the light units have none, so their silence does not pull it down).
    per_100 = [Fraction(3 * 100, 48), Fraction(100, 36), Fraction(200, 40)]
    median = sorted(per_100)[1]
    assert median == Fraction(200, 40)
    satisfaction = (2 + Fraction(m["measured"]["satisfaction"]["basically_satisfied"]) * 2) / 5
    survey = Fraction(100 + 75 + 75 + 50 + 100, 5)
    by_hand = (
        w["response"] * Fraction(3, 4)
        + w["resolution"] * Fraction(2, 4)
        + w["satisfaction"] * satisfaction
        + w["reopen"] * (1 - Fraction(1, 8))
        + w["hotline"] * min(1, median / per_100[0])
        + w["survey"] * survey / 100
        + w["party_committee"] * Fraction(82, 100)
        + w["residents_committee"] * Fraction(70, 100)
        + w["department"] * Fraction(90, 100)
        + (3 - 2)  # honour + penalty; the expired and the withdrawn ones do not count
    )
    assert to_cents(by_hand) == Decimal("75.98")
    compound_result = result(the_cycle, firm, tuanjie)
    assert compound_result.score == Decimal("75.98")
    assert compound_result.evidence_points == Decimal("1.00")
    assert compound_result.party_points["self"] == {"score": "95.00"}
    assert compound_result.measured["info"]["overdue_orders"] == 2
    overall = result(the_cycle, firm)
    assert overall.score == Decimal("75.98")  # one compound: its score, evidence once
    assert overall.households == 48


def test_measured_inputs_take_the_same_queries_whatever_the_data(demo: Demo) -> None:
    tuanjie = demo.tuanjie
    start, end = at(2024, 1, 1).date(), at(2024, 6, 30).date()
    sub = tuanjie.community.subdistrict_id
    measured_inputs(subdistrict_id=sub, start=start, end=end)
    with CaptureQueriesContext(connection) as few:
        measured_inputs(subdistrict_id=sub, start=start, end=end)
    for day in range(1, 11):
        work_order(tuanjie, at(2024, 1, day), accepted_after=H, completed_after=D)
        issue(demo.qinggong, at(2024, 1, day), hotline=True)
    with CaptureQueriesContext(connection) as many:
        counts = measured_inputs(subdistrict_id=sub, start=start, end=end)
    assert len(many) == len(few) == 4
    assert counts[(tuanjie.property_provider_id or 0, tuanjie.pk)].resolved_on_time == 10
    qinggong = counts[(demo.qinggong.property_provider_id or 0, demo.qinggong.pk)]
    assert qinggong.hotline == 10 and qinggong.hotline_months == [10, 0, 0, 0, 0, 0]


def test_too_few_households_answering_moves_the_survey_weight_to_the_other_parties(
    demo: Demo,
) -> None:
    the_cycle = cycle(2024, 2)
    tuanjie = demo.tuanjie
    firm = tuanjie.property_provider
    assert firm is not None and tuanjie.community.party_committee
    score(the_cycle, firm, S.PARTY_COMMITTEE, tuanjie.community.party_committee, points(50))
    survey_answers(the_cycle, tuanjie, 5, 5, 5, 5)  # 4 < the minimum of 5
    compute_results(cycle=the_cycle)
    got = result(the_cycle, firm, tuanjie)
    assert got.party_points["survey"]["counted"] is False
    assert got.party_points["party_committee"]["effective"] == "50.00"
    # No tickets anywhere: the measured block is the hotline indicator alone, 50 of 50.
    assert got.score == Decimal("75.00")

    survey_answers(the_cycle, tuanjie, 5)  # the fifth household
    compute_results(cycle=the_cycle)
    got = result(the_cycle, firm, tuanjie)
    assert got.party_points["survey"]["counted"] is True
    assert got.score == to_cents(50 + Fraction(50, 30) * (20 * 1 + 10 * Fraction(1, 2)))


def test_a_multi_compound_organization_gets_the_household_weighted_average(demo: Demo) -> None:
    the_cycle = cycle(2024, 2)
    east, north = demo.compound("水碓子东里"), demo.compound("团结湖北里直管公房")
    office = east.property_provider
    assert office is not None and office == north.property_provider
    for compound, given in ((east, 60), (north, 80)):
        committee = compound.community.party_committee
        assert committee is not None
        score(the_cycle, office, S.PARTY_COMMITTEE, committee, points(given), compound)
    compute_results(cycle=the_cycle)
    assert result(the_cycle, office, east).score == Decimal("80.00")
    assert result(the_cycle, office, north).score == Decimal("90.00")
    # Its other compounds (the light units) saw nothing and nobody scored them: not evaluated,
    # and left out of the average; the overall still counts all the households it serves.
    others = Compound.objects.filter(property_provider=office).exclude(pk__in=[east.pk, north.pk])
    assert others.exists()
    assert all(result(the_cycle, office, c).score is None for c in others)
    overall = result(the_cycle, office)
    assert overall.households == 36 + 40 + sum(c.households for c in others)
    assert overall.score == to_cents(Fraction(36 * 80 + 40 * 90, 76)) == Decimal("85.26")


def test_evidence_counts_within_its_caps_and_while_in_force(demo: Demo) -> None:
    the_cycle = cycle(2024, 2)
    firm = demo.tuanjie.property_provider
    assert firm is not None
    in_cycle = at(2024, 9, 1).date()
    for value in (4, 3):
        evidence(firm, demo, points=Decimal(value), occurred_on=in_cycle)
    for value in (-6, -7):
        evidence(firm, demo, kind="penalty", points=Decimal(value), occurred_on=in_cycle)
    compute_results(cycle=the_cycle)
    assert result(the_cycle, firm).evidence_points == Decimal("-5.00")  # +5 (cap) −10 (cap)

    EvidenceEntry.objects.filter(organization=firm).delete()
    evidence(firm, demo, points=Decimal(2), occurred_on=at(2024, 3, 1).date())  # earlier
    evidence(
        firm,
        demo,
        points=Decimal(3),
        occurred_on=at(2024, 3, 1).date(),
        expires_on=at(2025, 3, 1).date(),  # earlier, still in force at the cycle's end
    )
    evidence(firm, demo, points=Decimal(4), occurred_on=in_cycle, expires_on=at(2024, 12, 1).date())
    evidence(firm, demo, points=Decimal(1), occurred_on=at(2025, 1, 2).date())  # later
    compute_results(cycle=the_cycle)
    assert result(the_cycle, firm).evidence_points == Decimal("3.00")


def test_a_serious_penalty_black_lists_whatever_the_score(demo: Demo) -> None:
    the_cycle = cycle(2024, 2)
    firm = demo.tuanjie.property_provider
    assert firm is not None
    evidence(
        firm,
        demo,
        kind="penalty",
        points=Decimal(-1),
        serious=True,
        title="违规收费",
        source="区住建委",
        occurred_on=at(2024, 8, 1).date(),
    )
    compute_results(cycle=the_cycle)
    overall = result(the_cycle, firm)
    assert overall.listing == "black"
    assert "违规收费" in overall.listing_reason and "区住建委" in overall.listing_reason


def test_an_upheld_appeal_overrides_the_score_and_regrades(demo: Demo) -> None:
    the_cycle = cycle(2024, 2)
    firm = demo.tuanjie.property_provider
    assert firm is not None
    # Three organizations scored (nothing else happened: 50 measured + 50 from the committee).
    for compound in (demo.tuanjie, demo.qinggong, demo.compound("水碓子东里")):
        committee, provider = compound.community.party_committee, compound.property_provider
        assert committee is not None and provider is not None
        score(the_cycle, provider, S.PARTY_COMMITTEE, committee, points(100), compound)
    compute_results(cycle=the_cycle)
    overall = result(the_cycle, firm)
    assert overall.score == Decimal("100.00") and overall.rank == 1
    Appeal.objects.create(
        result=overall,
        reasons="测试",
        filed_by=demo.user("jiedao"),
        status=Appeal.Status.UPHELD,
        decided_at=at(2025, 1, 10),
        corrected_score=Decimal("55.50"),
    )
    compute_results(cycle=the_cycle)
    compute_results(cycle=the_cycle)  # idempotent
    overall.refresh_from_db()
    assert overall.score == Decimal("55.50")
    assert overall.rank == 3 and overall.grade == "C"  # last of three: A, B, C
