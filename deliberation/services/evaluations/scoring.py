"""Compute every result of an evaluation cycle with the cycle's own method (docs/law.md §9).

For each compound an organization serves:

* **measured** indicators earn ``weight × rate``: on-time response and resolution (work
  orders against their SLA clocks), satisfaction ((satisfied + factor × basically
  satisfied) / rated issues), few reopened issues (1 − reopened / issues), 12345 tickets
  per 100 households (full points at or below the subdistrict's median of the compounds
  with service data, ``median / own`` above it, minus ``rising_loss`` after a rise in each of the
  last ``rising_months`` months);
* **parties** earn ``weight × score / 100``: the residents' survey (mean of the households'
  scores, counted only when at least ``max(min_responses, min_share_percent × households)``
  answered), the community Party committee, the residents' committee and the subdistrict's
  departments (a party's score for that compound, else its score for the organization as a
  whole; several scorers of one kind are averaged). The self-assessment is shown only.

A missing input (no order fell due, nothing was rated, too few households answered, a party
did not score) gives its weight to the others **of its block** (measured or parties) pro
rata; a block with nothing at all gives its weight to the other block. Evidence in force
(docs/law.md §9: dated in the cycle and not expired at its end, or dated earlier with an
expiry after the cycle's end; not withdrawn) adds its points within the method's caps: an
organization-wide entry counts for each of its compounds, and the overall result carries
all its entries once. The overall result is the household-weighted average of the
compounds' scores before evidence, plus the evidence. Scores are kept exact (fractions)
and rounded half up to two decimals at the end, clamped to 0–100. An upheld appeal's
corrected score replaces the result's score. Then ranks, grades by proportion and the
lists, among the overall results and among the compound results separately.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext as _

from deliberation.evaluation_method import PARTIES, SELF, cycle_period
from deliberation.models import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    EvidenceEntry,
    PartyScore,
    SurveyResponse,
)
from deliberation.selectors.evaluation_inputs import (
    MeasuredCounts,
    evaluated_scope,
    measured_inputs,
)
from deliberation.services.evaluations.grading import grade_by_proportion, listing_for, to_cents

Key = tuple[int, int]
ZERO = Fraction(0)


def frac(value: Any) -> Fraction:
    return Fraction(str(value))


@dataclass
class Part:
    """One indicator or party: its rate (0–1, None when missing), weight and points."""

    weight: Fraction
    rate: Fraction | None
    detail: dict[str, Any] = field(default_factory=dict)
    effective: Fraction = ZERO

    @property
    def points(self) -> Fraction:
        return self.effective * (self.rate or ZERO)


def rising(counts: list[int], months: int) -> bool:
    """Did the tickets rise in each of the last ``months`` months of the period?"""
    tail = counts[-(months + 1) :]
    return len(tail) == months + 1 and all(a < b for a, b in zip(tail, tail[1:], strict=False))


def has_service_data(counts: MeasuredCounts) -> bool:
    """Whether anything was reported, ordered or ticketed for this organization here."""
    return bool(counts.orders or counts.issues or counts.hotline)


def per_hundred(counts: MeasuredCounts, households: int) -> Fraction | None:
    return Fraction(counts.hotline * 100, households) if households else None


def measured_parts(
    method: Mapping[str, Any], counts: MeasuredCounts, households: int, median: Fraction | None
) -> dict[str, Part]:
    rules = method["measured"]

    def ratio(num: int, den: int) -> Fraction | None:
        return Fraction(num, den) if den else None

    satisfied = None
    if counts.rated:
        factor = frac(rules["satisfaction"].get("basically_satisfied", "0.9"))
        satisfied = (counts.satisfied + factor * counts.basically) / counts.rated
    reopen = ratio(counts.reopened, counts.issues)
    own = per_hundred(counts, households)
    hotline_rate: Fraction | None = None
    hotline = rules["hotline"]
    is_rising = rising(counts.hotline_months, int(hotline.get("rising_months", 3)))
    if own is not None:
        hotline_rate = Fraction(1) if own == 0 or median is None else min(Fraction(1), median / own)
        if is_rising:
            loss = frac(hotline.get("rising_loss", 0)) / frac(hotline["points"])
            hotline_rate = max(ZERO, hotline_rate - loss)
    return {
        "response": Part(
            frac(rules["response"]["points"]),
            ratio(counts.responded_on_time, counts.response_due),
            {"on_time": counts.responded_on_time, "due": counts.response_due},
        ),
        "resolution": Part(
            frac(rules["resolution"]["points"]),
            ratio(counts.resolved_on_time, counts.resolution_due),
            {"on_time": counts.resolved_on_time, "due": counts.resolution_due},
        ),
        "satisfaction": Part(
            frac(rules["satisfaction"]["points"]),
            satisfied,
            {"satisfied": counts.satisfied, "basically": counts.basically, "rated": counts.rated},
        ),
        "reopen": Part(
            frac(rules["reopen"]["points"]),
            None if reopen is None else 1 - reopen,
            {"reopened": counts.reopened, "issues": counts.issues},
        ),
        "hotline": Part(
            frac(hotline["points"]),
            hotline_rate,
            {
                "tickets": counts.hotline,
                "per_100": _show(own),
                "median": _show(median),
                "rising": is_rising,
                "months": counts.hotline_months,
            },
        ),
    }


def _show(value: Fraction | None) -> str | None:
    return None if value is None else str(to_cents(value))


def spread(blocks: list[dict[str, Part]]) -> bool:
    """Give each part its effective weight (missing parts pass theirs on); False: no input."""
    sizes = [sum((p.weight for p in b.values()), ZERO) for b in blocks]
    present = [sum((p.weight for p in b.values() if p.rate is not None), ZERO) for b in blocks]
    empty = sum((s for s, have in zip(sizes, present, strict=True) if not have), ZERO)
    live = [i for i, have in enumerate(present) if have]
    if not live:
        return False
    live_size = sum((sizes[i] for i in live), ZERO)
    for i in live:
        share = sizes[i] + empty * sizes[i] / live_size
        for part in blocks[i].values():
            part.effective = share * part.weight / present[i] if part.rate is not None else ZERO
    return True


@dataclass
class Inputs:
    counts: dict[Key, MeasuredCounts]
    surveys: dict[Key, tuple[int, Fraction]]
    scores: dict[tuple[int, int | None, str], list[Fraction]]
    evidence: dict[int, list[EvidenceEntry]]
    corrections: dict[int, Decimal]
    median: Fraction | None


def _party_parts(
    method: Mapping[str, Any], inputs: Inputs, org: int, compound: int, households: int
) -> tuple[dict[str, Part], dict[str, Any]]:
    rules = method["parties"]
    parts: dict[str, Part] = {}
    answered, total = inputs.surveys.get((org, compound), (0, ZERO))
    survey = rules["survey"]
    required = max(
        int(survey.get("min_responses", 0)),
        _ceil(households * frac(survey.get("min_share_percent", 0)) / 100),
    )
    mean = total / answered if answered else None
    counted = answered > 0 and answered >= required
    parts["survey"] = Part(
        frac(survey["points"]),
        mean / 100 if counted and mean is not None else None,
        {"responses": answered, "required": required, "score": _show(mean), "counted": counted},
    )
    for role in list(PARTIES)[1:]:
        given = inputs.scores.get((org, compound, role)) or inputs.scores.get((org, None, role))
        score = sum(given, ZERO) / len(given) if given else None
        parts[role] = Part(
            frac(rules[role]["points"]),
            None if score is None else score / 100,
            {"score": _show(score), "scorers": len(given or [])},
        )
    own = inputs.scores.get((org, compound, SELF)) or inputs.scores.get((org, None, SELF))
    shown = {"score": _show(sum(own, ZERO) / len(own)) if own else None}
    return parts, shown


def _ceil(value: Fraction) -> int:
    return -((-value.numerator) // value.denominator)


def in_force(entry: EvidenceEntry, start: date, end: date) -> bool:
    if entry.withdrawn_at is not None or entry.occurred_on > end:
        return False
    if entry.expires_on is not None and entry.expires_on < end:
        return False
    return entry.occurred_on >= start or entry.expires_on is not None


def evidence_sum(method: Mapping[str, Any], entries: list[EvidenceEntry]) -> Fraction:
    """Honours and penalties within the caps per result and cycle."""
    rules = method["evidence"]
    plus = sum((frac(e.points) for e in entries if e.points > 0), ZERO)
    minus = sum((frac(e.points) for e in entries if e.points < 0), ZERO)
    return min(plus, frac(rules["cap_plus"])) + max(minus, frac(rules["cap_minus"]))


def _serious_reason(entries: list[EvidenceEntry]) -> str:
    for entry in entries:
        if entry.kind == EvidenceEntry.Kind.PENALTY and entry.serious:
            with translation.override(settings.LANGUAGE_CODE):
                return _("Serious penalty: %(title)s (%(source)s)") % {
                    "title": entry.title,
                    "source": entry.source,
                }
    return ""


def _load(cycle: EvaluationCycle, start: date, end: date, orgs: set[int]) -> Inputs:
    counts = measured_inputs(subdistrict_id=cycle.subdistrict_id, start=start, end=end)
    surveys = {
        (row["organization_id"], row["compound_id"]): (row["n"], frac(row["total"]))
        for row in SurveyResponse.objects.filter(cycle=cycle)
        .order_by()
        .values("organization_id", "compound_id")
        .annotate(n=Count("id"), total=Sum("score"))
    }
    scores: dict[tuple[int, int | None, str], list[Fraction]] = defaultdict(list)
    for org, compound, role, score in PartyScore.objects.filter(cycle=cycle).values_list(
        "organization_id", "compound_id", "scorer_role", "score"
    ):
        scores[(org, compound, role)].append(frac(score))
    evidence: dict[int, list[EvidenceEntry]] = defaultdict(list)
    for entry in EvidenceEntry.objects.filter(
        Q(organization_id__in=orgs), occurred_on__lte=end, withdrawn_at__isnull=True
    ):
        if in_force(entry, start, end):
            evidence[entry.organization_id].append(entry)
    corrections: dict[int, Decimal] = {}
    for result_id, corrected in (
        Appeal.objects.filter(
            result__cycle=cycle, status=Appeal.Status.UPHELD, corrected_score__isnull=False
        )
        .order_by("decided_at", "id")
        .values_list("result_id", "corrected_score")
    ):
        if corrected is not None:
            corrections[result_id] = corrected
    return Inputs(counts, surveys, scores, evidence, corrections, None)


def add_result_rows(cycle: EvaluationCycle) -> int:
    """Create the missing result rows of a cycle: each provider serving a compound of the
    subdistrict, once per compound (with its households) and once overall. Returns how many
    were created; existing rows are kept (idempotent)."""
    rows = []
    for org, compounds in evaluated_scope(cycle.subdistrict_id).items():
        rows.append(EvaluationResult(cycle=cycle, organization_id=org, compound=None))
        rows.extend(
            EvaluationResult(
                cycle=cycle, organization_id=org, compound_id=compound, households=households
            )
            for compound, households in compounds
        )
    existing = set(cycle.results.values_list("organization_id", "compound_id"))
    missing = [r for r in rows if (r.organization_id, r.compound_id) not in existing]
    EvaluationResult.objects.bulk_create(missing)
    return len(missing)


def compute_results(*, cycle: EvaluationCycle) -> None:
    """(Re)compute every result of the cycle from its inputs; idempotent, one transaction."""
    with transaction.atomic():
        cycle = EvaluationCycle.objects.select_for_update().get(pk=cycle.pk)
        method = cycle.method
        start, end = cycle_period(cycle.year, cycle.half)
        results = list(cycle.results.order_by("organization_id", "compound_id"))
        inputs = _load(cycle, start, end, {r.organization_id for r in results})
        per_compound = [r for r in results if r.compound_id is not None]
        # The median is taken over compounds with service data in the half-year: a compound
        # nobody reported anything about is not evidence of a quiet one (docs/law.md §9).
        served = [inputs.counts.get(_key(r)) or MeasuredCounts() for r in per_compound]
        rates = [
            per_hundred(counts, r.households)
            for r, counts in zip(per_compound, served, strict=True)
            if has_service_data(counts)
        ]
        known = [rate for rate in rates if rate is not None]
        inputs.median = statistics.median(known) if known else None
        base: dict[int, Fraction | None] = {}
        for result in per_compound:
            base[result.pk] = _score_compound(method, inputs, result)
        for result in results:
            if result.compound_id is None:
                _score_overall(method, inputs, result, per_compound, base)
        _place(method, [r for r in results if r.compound_id is None])
        _place(method, per_compound)
        EvaluationResult.objects.bulk_update(
            results,
            [
                "households",
                "measured",
                "party_points",
                "evidence_points",
                "score",
                "grade",
                "listing",
                "rank",
                "listing_reason",
            ],
        )


def _key(result: EvaluationResult) -> Key:
    return (result.organization_id, result.compound_id or 0)


def _score_compound(
    method: Mapping[str, Any], inputs: Inputs, result: EvaluationResult
) -> Fraction | None:
    """Fill one compound result; returns its score before evidence (for the overall)."""
    counts = inputs.counts.get(_key(result)) or MeasuredCounts()
    measured = measured_parts(method, counts, result.households, inputs.median)
    parties, own = _party_parts(
        method, inputs, result.organization_id, result.compound_id or 0, result.households
    )
    # Nothing happened and nobody scored: not evaluated, rather than full marks for silence.
    ok = (has_service_data(counts) or any(p.rate is not None for p in parties.values())) and spread(
        [measured, parties]
    )
    before = sum((p.points for p in [*measured.values(), *parties.values()]), ZERO) if ok else None
    entries = [
        e
        for e in inputs.evidence.get(result.organization_id, [])
        if e.compound_id in (None, result.compound_id)
    ]
    evidence = evidence_sum(method, entries)
    result.measured = {
        **{k: _part(p) for k, p in measured.items()},
        "points": _show(sum((p.points for p in measured.values()), ZERO)),
        "info": {
            "orders": counts.orders,
            "overdue_orders": counts.overdue_orders,
            "overdue_days": counts.overdue_days,
            "escalations": counts.escalations,
            "resolution_orders": counts.resolution_orders,
            "resolution_orders_on_time": counts.resolution_orders_on_time,
        },
    }
    result.party_points = {
        **{k: _part(p) for k, p in parties.items()},
        "points": _show(sum((p.points for p in parties.values()), ZERO)),
        SELF: own,
    }
    _finish(method, inputs, result, before, evidence, entries)
    if result.pk in inputs.corrections:
        # A corrected compound result counts in the overall as corrected (before evidence).
        return frac(inputs.corrections[result.pk]) - evidence
    return before


def _part(part: Part) -> dict[str, Any]:
    return {
        **part.detail,
        "rate": _show(None if part.rate is None else part.rate * 100),
        "weight": _show(part.weight),
        "effective": _show(part.effective),
        "points": _show(part.points),
    }


def _score_overall(
    method: Mapping[str, Any],
    inputs: Inputs,
    result: EvaluationResult,
    compounds: list[EvaluationResult],
    base: dict[int, Fraction | None],
) -> None:
    mine = [r for r in compounds if r.organization_id == result.organization_id]
    weighed = [(r, base[r.pk]) for r in mine if base[r.pk] is not None and r.households]
    households = sum(r.households for r, _score in weighed)
    before = None
    if households:
        before = sum((frac(r.households) * (s or ZERO) for r, s in weighed), ZERO) / households
    result.households = sum(r.households for r in mine)
    entries = inputs.evidence.get(result.organization_id, [])
    result.measured = {
        "compounds": [
            {"compound": r.compound_id, "households": r.households, "score": _show(s)}
            for r, s in ((r, base[r.pk]) for r in mine)
        ],
        "weighted_by": "households",
    }
    result.party_points = {}
    _finish(method, inputs, result, before, evidence_sum(method, entries), entries)


def _finish(
    method: Mapping[str, Any],
    inputs: Inputs,
    result: EvaluationResult,
    before: Fraction | None,
    evidence: Fraction,
    entries: list[EvidenceEntry],
) -> None:
    result.evidence_points = to_cents(evidence)
    result.listing_reason = _serious_reason(entries)
    if result.pk in inputs.corrections:
        result.score = inputs.corrections[result.pk]
    elif before is None:
        result.score = None
    else:
        result.score = to_cents(min(Fraction(100), max(ZERO, before + evidence)))


def _place(method: Mapping[str, Any], results: list[EvaluationResult]) -> None:
    scored = [(r.pk, r.score) for r in results if r.score is not None]
    placed = grade_by_proportion(scored, method["grades"])
    for result in results:
        spot = placed.get(result.pk)
        result.rank = spot.rank if spot else None
        result.grade = spot.grade if spot else ""
        result.listing = listing_for(
            method,
            grade=result.grade,
            score=result.score,
            serious=bool(result.listing_reason),
        )
