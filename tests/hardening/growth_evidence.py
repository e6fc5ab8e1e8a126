"""Growing what the evaluation pages read, for the query budgets (docs/law.md §9):
published cycles with 京朝物业's results (its history), alliance members with results."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deliberation.evaluation_method import default_method
from deliberation.models import EvaluationCycle, EvaluationResult, Organization, User


def _cycles(demo: Any, n: int) -> list[EvaluationCycle]:
    """``n`` published cycles in years long past (one per half-year)."""
    now = timezone.now()
    jiedao = User.objects.get(username="jiedao")
    base = EvaluationCycle.objects.count()
    subdistrict_id = demo.tuanjie.community.subdistrict_id
    return EvaluationCycle.objects.bulk_create(
        EvaluationCycle(
            subdistrict_id=subdistrict_id,
            year=1000 + (base + i) // 2,
            half=1 + (base + i) % 2,
            status=EvaluationCycle.Status.PUBLISHED,
            method=default_method(),
            survey_closes_at=now,
            scoring_closes_at=now,
            opened_by=jiedao,
            publication=1,
        )
        for i in range(n)
    )


def grow_history(demo: Any, n: int) -> None:
    """``n`` published cycles with 京朝物业's overall and 团结公寓 results."""
    tuanjie = demo.tuanjie
    firm = tuanjie.property_provider_id
    rows = []
    for i, cycle in enumerate(_cycles(demo, n)):
        for compound_id in (None, tuanjie.pk):
            rows.append(
                EvaluationResult(
                    cycle=cycle,
                    organization_id=firm,
                    compound_id=compound_id,
                    households=48,
                    score=60 + i % 40,
                    grade="B",
                    rank=1,
                )
            )
    EvaluationResult.objects.bulk_create(rows)


def grow_alliance(demo: Any, n: int) -> None:
    """``n`` alliance members, each with a result in one published cycle."""
    (cycle,) = _cycles(demo, 1)
    start = Organization.objects.count()
    subdistrict_id = demo.tuanjie.community.subdistrict_id
    members = Organization.objects.bulk_create(
        Organization(
            name=f"预算联盟企业{start + i}",
            kind=Organization.Kind.PROPERTY_FIRM,
            subdistrict_id=subdistrict_id,
            in_service_alliance=True,
        )
        for i in range(n)
    )
    EvaluationResult.objects.bulk_create(
        EvaluationResult(cycle=cycle, organization=m, score=80, grade="B", rank=1) for m in members
    )
