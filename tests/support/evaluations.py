"""Evaluation cycles with hand-made inputs, for the scoring tests (docs/law.md §9)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from deliberation.evaluation_method import default_method, party_score, survey_score
from deliberation.models import (
    Compound,
    EvaluationCycle,
    EvaluationResult,
    Issue,
    Organization,
    PartyScore,
    SurveyResponse,
    User,
    WorkOrder,
)
from deliberation.services.evaluations.scoring import add_result_rows


def cycle(year: int = 2024, half: int = 1, method: dict[str, Any] | None = None) -> EvaluationCycle:
    """A cycle of the demo subdistrict in a half-year without other data, with its rows."""
    opener = User.objects.get(username="jiedao")
    compound = Compound.objects.select_related("community").first()
    assert compound is not None
    made = EvaluationCycle.objects.create(
        subdistrict_id=compound.community.subdistrict_id,
        year=year,
        half=half,
        method=method or default_method(),
        survey_closes_at=timezone.now(),
        scoring_closes_at=timezone.now(),
        opened_by=opener,
    )
    add_result_rows(made)
    return made


def at(year: int, month: int, day: int, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def work_order(
    compound: Compound,
    created: datetime,
    *,
    accepted_after: timedelta | None,
    completed_after: timedelta | None,
    respond_within: timedelta = timedelta(hours=24),
    resolve_within: timedelta = timedelta(days=3),
    responsible: Organization | None = None,
) -> WorkOrder:
    """A work order dispatched at ``created`` with its SLA clocks and what happened."""
    order = WorkOrder.objects.create(
        responsible=responsible or compound.property_provider,
        title="测试工单",
        compound=compound,
        respond_by=created + respond_within,
        resolve_by=created + resolve_within,
        accepted_at=created + accepted_after if accepted_after is not None else None,
        completed_at=created + completed_after if completed_after is not None else None,
        status=WorkOrder.Status.CLOSED if completed_after else WorkOrder.Status.ACCEPTED,
    )
    WorkOrder.objects.filter(pk=order.pk).update(created_at=created)
    return order


def issue(
    compound: Compound,
    created: datetime,
    *,
    rating: str = "",
    reopened: bool = False,
    hotline: bool = False,
    closure: str = Issue.ClosureReason.FIXED,
) -> Issue:
    made = Issue.objects.create(
        channel=Issue.Channel.HOTLINE if hotline else Issue.Channel.WEB,
        description="测试诉求",
        compound=compound,
        responsible=compound.property_provider,
        status=Issue.Status.CLOSED,
        closure_reason=closure,
        rating=rating,
        reopen_count=1 if reopened else 0,
    )
    Issue.objects.filter(pk=made.pk).update(created_at=created)
    return made


def survey_answers(the_cycle: EvaluationCycle, compound: Compound, *answers: int) -> None:
    """One household per value: every criterion answered with that value (1–5)."""
    keys = [c["key"] for c in the_cycle.method["survey_criteria"]]
    start = SurveyResponse.objects.filter(cycle=the_cycle).count()
    for n, value in enumerate(answers, start=start):
        given = dict.fromkeys(keys, value)
        SurveyResponse.objects.create(
            cycle=the_cycle,
            compound=compound,
            organization=compound.property_provider,
            household_key=f"test-{n}",
            answers=given,
            score=survey_score(the_cycle.method, given),
        )


def score(
    the_cycle: EvaluationCycle,
    organization: Organization,
    role: str,
    scorer: Organization,
    points: dict[str, int],
    compound: Compound | None = None,
) -> Decimal:
    value = party_score(the_cycle.method, points)
    PartyScore.objects.create(
        cycle=the_cycle,
        organization=organization,
        compound=compound,
        scorer_role=role,
        scorer=scorer,
        answers=points,
        score=value,
        entered_by=User.objects.get(username="jiedao"),
    )
    return value


def result(
    the_cycle: EvaluationCycle, organization: Organization, compound: Compound | None = None
) -> EvaluationResult:
    return EvaluationResult.objects.get(
        cycle=the_cycle, organization=organization, compound=compound
    )
