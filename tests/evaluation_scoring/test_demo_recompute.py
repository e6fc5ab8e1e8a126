"""The Done-when test of issue 12: a firm's score for a seeded demo cycle, recomputed by hand
from the seeded rows and the cycle's published weights, equals the platform's exactly."""

from __future__ import annotations

from fractions import Fraction

from deliberation.evaluation_method import cycle_period
from deliberation.models import (
    EvaluationCycle,
    EvaluationResult,
    EvidenceEntry,
    Issue,
    Organization,
    PartyScore,
    SurveyResponse,
    WorkOrder,
)
from deliberation.services.evaluations.grading import to_cents
from tests.support.demo import Demo

S = PartyScore.Scorer


def _no_service_data(org: Organization, cycle: EvaluationCycle) -> bool:
    """In 2025 H2 the demo holds no orders, issues or tickets: the measured block is the
    12345 indicator alone (no tickets anywhere: full points), worth the block's 50."""
    start, end = cycle_period(cycle.year, cycle.half)
    in_cycle = {"created_at__date__gte": start, "created_at__date__lte": end}
    return not (
        WorkOrder.objects.filter(responsible=org, **in_cycle).exists()
        or Issue.objects.filter(compound__community__subdistrict=cycle.subdistrict, **in_cycle)
        .exclude(responsible=None)
        .exists()
    )


def _by_hand(cycle: EvaluationCycle, org: Organization, compound_id: int) -> Fraction:
    """The compound's score before evidence, from the seeded survey and scores."""
    m = cycle.method
    measured = sum(Fraction(v["points"]) for v in m["measured"].values())
    answers = list(
        SurveyResponse.objects.filter(cycle=cycle, organization=org, compound_id=compound_id)
    )
    # each household: the mean over the criteria of (answer − 1) × 25
    survey = sum(
        (Fraction(sum((v - 1) * 25 for v in r.answers.values()), len(r.answers)) for r in answers),
        Fraction(0),
    ) / len(answers)
    assert len(answers) >= m["parties"]["survey"]["min_responses"]

    def party(role: str, compound: int | None) -> Fraction:
        row = PartyScore.objects.get(
            cycle=cycle, organization=org, scorer_role=role, compound_id=compound
        )
        given = sum(Fraction(v) for v in row.answers.values())
        return given / sum(Fraction(c["max"]) for c in m["party_criteria"])

    w = {k: Fraction(v["points"]) for k, v in m["parties"].items()}
    return (
        measured
        + w["survey"] * survey / 100
        + w["party_committee"] * party(S.PARTY_COMMITTEE, compound_id)
        + w["residents_committee"] * party(S.RESIDENTS_COMMITTEE, compound_id)
        + w["department"] * party(S.DEPARTMENT, None)
    )


def test_a_self_managed_units_2025_h2_score_by_hand(demo: Demo) -> None:
    cycle = EvaluationCycle.objects.get(year=2025, half=2)
    unit = demo.qinggong.property_provider
    assert unit is not None and _no_service_data(unit, cycle)
    honour = EvidenceEntry.objects.get(organization=unit, kind=EvidenceEntry.Kind.HONOUR)
    by_hand = _by_hand(cycle, unit, demo.qinggong.pk) + Fraction(honour.points)
    platform = EvaluationResult.objects.get(cycle=cycle, organization=unit, compound=None)
    assert platform.score == to_cents(by_hand)
    assert platform.grade == "A" and platform.listing == "red"  # top of 3, ≥ 90


def test_the_housing_offices_2025_h2_score_is_the_household_weighted_average(
    demo: Demo,
) -> None:
    cycle = EvaluationCycle.objects.get(year=2025, half=2)
    east, north = demo.compound("水碓子东里"), demo.compound("团结湖北里直管公房")
    office = east.property_provider
    assert office is not None and _no_service_data(office, cycle)
    by_hand = (
        east.households * _by_hand(cycle, office, east.pk)
        + north.households * _by_hand(cycle, office, north.pk)
    ) / (east.households + north.households)
    platform = EvaluationResult.objects.get(cycle=cycle, organization=office, compound=None)
    assert platform.score == to_cents(by_hand)
