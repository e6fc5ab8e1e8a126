"""Reads for the evaluation cycle's pages: its status panel and progress (survey answers
per compound, scores received and missing), the published list with its corrections, and
what a person is asked to do in it. Fixed query counts whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet

from deliberation import policy
from deliberation.models import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    Organization,
    PartyScore,
    SurveyResponse,
)

Scorer = PartyScore.Scorer


@dataclass
class ProgressRow:
    result: EvaluationResult
    answers: int = 0
    scored: set[str] = field(default_factory=set)

    @property
    def share(self) -> int:
        households = self.result.households
        return round(100 * self.answers / households) if households else 0

    def has(self, role: str) -> bool:
        return role in self.scored


def results_of(cycle: EvaluationCycle) -> QuerySet[EvaluationResult]:
    return (
        EvaluationResult.objects.filter(cycle=cycle)
        .select_related("organization", "compound__community")
        .annotate(
            pending_appeal=Exists(
                Appeal.objects.filter(result=OuterRef("pk"), status=Appeal.Status.PENDING)
            )
        )
        .order_by("organization__name", "compound__name")
    )


def progress(cycle: EvaluationCycle) -> list[ProgressRow]:
    """Each evaluated organization, overall then per compound: survey answers and the
    parties whose scores arrived. Three queries."""
    rows = {(r.organization_id, r.compound_id): ProgressRow(r) for r in results_of(cycle)}
    answers = (
        SurveyResponse.objects.filter(cycle=cycle)
        .values("organization_id", "compound_id")
        .annotate(n=Count("pk"))
    )
    for item in answers:
        row = rows.get((item["organization_id"], item["compound_id"]))
        if row is not None:
            row.answers = item["n"]
    scores = PartyScore.objects.filter(cycle=cycle).values_list(
        "organization_id", "compound_id", "scorer_role"
    )
    for org, compound, role in scores:
        row = rows.get((org, compound))
        if row is not None:
            row.scored.add(role)
    return list(rows.values())


def cycle_page_context(cycle: EvaluationCycle) -> dict[str, Any]:
    """The status panel (live-pushed) and its counts."""
    return {
        "cycle": cycle,
        "survey_answers": SurveyResponse.objects.filter(cycle=cycle).count(),
        "scores_received": PartyScore.objects.filter(cycle=cycle).count(),
        "pending_appeals": Appeal.objects.filter(
            result__cycle=cycle, status=Appeal.Status.PENDING
        ).count(),
    }


def corrections(cycle: EvaluationCycle) -> list[Appeal]:
    """Decided appeals that changed the list: the before and after, and the reason."""
    return list(
        Appeal.objects.filter(result__cycle=cycle, status=Appeal.Status.UPHELD)
        .select_related("result__organization", "result__compound")
        .order_by("decided_at", "pk")
    )


def appeals_of(cycle: EvaluationCycle) -> list[Appeal]:
    return list(
        Appeal.objects.filter(result__cycle=cycle)
        .select_related("result__organization", "result__compound")
        .order_by("-filed_at", "-pk")
    )


def scoring_targets(cycle: EvaluationCycle, user: Any) -> list[dict[str, Any]]:
    """What ``user`` may score in ``cycle``: (scorer, organization, compound) with the score
    already entered, if any. The committees: their community's compounds; a department:
    every organization overall; a firm: itself overall."""
    kinds = Organization.Kind
    orgs = list(
        Organization.objects.filter(
            memberships__user=user,
            memberships__active=True,
            kind__in=[
                kinds.PARTY_COMMITTEE,
                kinds.RESIDENTS_COMMITTEE,
                kinds.SUBDISTRICT_OFFICE,
                kinds.PROPERTY_FIRM,
                kinds.PROPERTY_RIGHTS_UNIT,
            ],
        ).distinct()
    )
    if not orgs:
        return []
    results = list(results_of(cycle))
    entered = {
        (s.scorer_id, s.organization_id, s.compound_id): s
        for s in PartyScore.objects.filter(cycle=cycle, scorer__in=orgs)
    }
    targets = []
    for scorer in orgs:
        for result in results:
            subject = (cycle, scorer, result.organization, result.compound)
            if scorer.kind in (kinds.PARTY_COMMITTEE, kinds.RESIDENTS_COMMITTEE):
                if result.compound is None:
                    continue
            elif result.compound is not None:
                continue
            if policy.can(user, "evaluation.score", subject):
                targets.append(
                    {
                        "scorer": scorer,
                        "result": result,
                        "score": entered.get(
                            (scorer.pk, result.organization_id, result.compound_id)
                        ),
                    }
                )
    return targets


def latest_published(subdistrict_id: int | None = None) -> EvaluationCycle | None:
    cycles = EvaluationCycle.objects.filter(
        status__in=[EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED]
    )
    if subdistrict_id is not None:
        cycles = cycles.filter(subdistrict_id=subdistrict_id)
    return cycles.order_by("-year", "-half").first()
