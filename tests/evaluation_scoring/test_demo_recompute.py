"""The Done-when test of issue 12: a firm's score for a seeded demo cycle, recomputed by hand
from the seeded rows and the cycle's published weights, equals the platform's exactly."""

from __future__ import annotations

import math
from fractions import Fraction

from deliberation.evaluation_method import cycle_period
from deliberation.models import (
    Compound,
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


def _by_hand(cycle: EvaluationCycle, org: Organization, compound: Compound) -> Fraction:
    """The compound's score before evidence, from the seeded survey and scores: the measured
    block full (no service data anywhere), the parties' block shared pro rata among the
    parties that scored (the survey only with enough households answering)."""
    m = cycle.method
    measured = sum(Fraction(v["points"]) for v in m["measured"].values())
    answers = list(SurveyResponse.objects.filter(cycle=cycle, organization=org, compound=compound))
    survey = m["parties"]["survey"]
    required = max(
        survey["min_responses"], math.ceil(compound.households * survey["min_share_percent"] / 100)
    )
    rates: dict[str, Fraction] = {}
    if answers and len(answers) >= required:
        # each household: the mean over the criteria of (answer − 1) × 25
        rates["survey"] = (
            sum(
                (
                    Fraction(sum((v - 1) * 25 for v in r.answers.values()), len(r.answers))
                    for r in answers
                ),
                Fraction(0),
            )
            / len(answers)
            / 100
        )
    out_of = sum(Fraction(c["max"]) for c in m["party_criteria"])
    for role, about in (
        (S.PARTY_COMMITTEE, compound),
        (S.RESIDENTS_COMMITTEE, compound),
        (S.DEPARTMENT, None),
    ):
        row = PartyScore.objects.filter(
            cycle=cycle, organization=org, scorer_role=role, compound=about
        ).first()
        if row is not None:
            rates[str(role)] = sum(Fraction(v) for v in row.answers.values()) / out_of
    w = {k: Fraction(v["points"]) for k, v in m["parties"].items()}
    assert rates, "nobody scored: not evaluated"
    present = sum(w[k] for k in rates)
    return measured + sum(w.values()) * sum(w[k] * r for k, r in rates.items()) / present


def _overall_by_hand(cycle: EvaluationCycle, org: Organization) -> Fraction:
    """The household-weighted average of the organization's compounds (all scored here:
    every one has a party's score), before evidence."""
    compounds = list(Compound.objects.filter(property_provider=org))
    households = sum(c.households for c in compounds)
    return (
        sum((c.households * _by_hand(cycle, org, c) for c in compounds), Fraction(0)) / households
    )


def test_a_self_managed_units_2025_h2_score_by_hand(demo: Demo) -> None:
    cycle = EvaluationCycle.objects.get(year=2025, half=2)
    unit = demo.qinggong.property_provider
    assert unit is not None and _no_service_data(unit, cycle)
    honour = EvidenceEntry.objects.get(organization=unit, kind=EvidenceEntry.Kind.HONOUR)
    qinggong = EvaluationResult.objects.get(cycle=cycle, organization=unit, compound=demo.qinggong)
    assert qinggong.score == to_cents(
        _by_hand(cycle, unit, demo.qinggong) + Fraction(honour.points)
    )
    by_hand = _overall_by_hand(cycle, unit) + Fraction(honour.points)
    platform = EvaluationResult.objects.get(cycle=cycle, organization=unit, compound=None)
    assert platform.score == to_cents(by_hand)
    assert platform.grade == "A" and platform.listing == "red"  # top of the scored, ≥ 90


def test_the_housing_offices_2025_h2_score_is_the_household_weighted_average(
    demo: Demo,
) -> None:
    cycle = EvaluationCycle.objects.get(year=2025, half=2)
    east, north = demo.compound("水碓子东里"), demo.compound("团结湖北里直管公房")
    office = east.property_provider
    assert office is not None and _no_service_data(office, cycle)
    for compound in (east, north):
        platform = EvaluationResult.objects.get(cycle=cycle, organization=office, compound=compound)
        assert platform.score == to_cents(_by_hand(cycle, office, compound))
    platform = EvaluationResult.objects.get(cycle=cycle, organization=office, compound=None)
    assert platform.score == to_cents(_overall_by_hand(cycle, office))
