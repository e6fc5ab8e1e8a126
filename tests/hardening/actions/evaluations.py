"""Matrix rows and budgets of the community evaluation (``deliberation/actions/
evaluations.py``): the cycle (``evaluation``: answer the survey, score, correct a score,
close the scoring, publish) and a result (``evaluation_result``: appeal, decide the
appeal). Each state is a cycle of its own half-year, made through the services."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from deliberation.models import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    PartyScore,
    SurveyResponse,
    Unit,
)
from deliberation.selectors.evaluations import scoring_targets
from deliberation.services.evaluations import surveys
from tests.support import evaluation_cycles as ev

from ..surfaces_evaluations import SCORERS
from . import KindBudget, Row, allowed_roles

S = EvaluationCycle.Status
OFFICE = allowed_roles("subdistrict_office")
#: a home in a compound with a provider: jumin (团结公寓), jumin2 (轻工宿舍), yeweihui (团结公寓)
HOUSEHOLDS = allowed_roles("resident", "resident_other_compound", "owners_committee")
#: the demo accounts of the scoring roles
SCORING_USERS = (
    "shuji",
    "shuji2",
    "juwei",
    "juwei2",
    "wuye",
    "fangguan",
    "chanquan",
    "jiedao",
)
_far_years = count(5000)


def survey_closed(demo: Any) -> EvaluationCycle:
    cycle = ev.open_cycle()
    EvaluationCycle.objects.filter(pk=cycle.pk).update(
        survey_closes_at=timezone.now() - timedelta(minutes=1)
    )
    cycle.refresh_from_db()
    return cycle


def all_scored(demo: Any) -> EvaluationCycle:
    """Every scoring organization has scored everything it scores."""
    cycle = ev.open_cycle()
    for username in SCORING_USERS:
        user = ev.user(username)
        for target in scoring_targets(cycle, user):
            result = target["result"]
            surveys.submit_party_score(
                cycle=cycle,
                by=user,
                scorer=target["scorer"],
                organization=result.organization,
                compound=result.compound,
                answers=ev.party_answers(cycle),
            )
    return cycle


def _survey_data(demo: Any, cycle: Any, user: Any) -> dict[str, Any]:
    unit = Unit.objects.filter(residencies__user_id=getattr(user, "pk", None)).first()
    data = {f"survey-c_{key}": "4" for key in ev.survey_answers(cycle)}
    return data | {"survey-unit": str(getattr(unit, "pk", 0))}


def _score_data(demo: Any, cycle: Any, user: Any) -> dict[str, Any]:
    targets = scoring_targets(cycle, user) if user.is_authenticated else []
    data = {f"score-c_{key}": str(value) for key, value in ev.party_answers(cycle).items()}
    if targets:
        t = targets[0]
        r = t["result"]
        data["score-target"] = f"{t['scorer'].pk}-{r.organization_id}-{r.compound_id or 0}"
    return data


def _firm_result(demo: Any) -> EvaluationResult:
    return ev.result_of(ev.published(), ev.JINGCHAO)


def _appealed_result(demo: Any) -> EvaluationResult:
    return ev.appealed().result


def _status(cycle: Any) -> str:
    return EvaluationCycle.objects.get(pk=cycle.pk).status


def _pending(result: Any) -> bool:
    return Appeal.objects.filter(result_id=result.pk, status=Appeal.Status.PENDING).exists()


ROWS: list[Row] = [
    Row(
        "evaluation.answer_survey",
        HOUSEHOLDS,
        available=lambda demo: ev.open_cycle(),
        unavailable=survey_closed,
        data=_survey_data,
        done=lambda c: SurveyResponse.objects.filter(cycle_id=c.pk).exists(),
    ),
    Row(
        "evaluation.score",
        SCORERS,
        available=lambda demo: ev.open_cycle(),
        unavailable=ev.in_review,
        data=_score_data,
        done=lambda c: PartyScore.objects.filter(cycle_id=c.pk).exists(),
    ),
    Row(
        "evaluation.rescore",
        SCORERS,
        available=all_scored,
        unavailable=ev.in_review,
        data=_score_data,
        done=lambda c: True,  # the corrected score: the writes are the evidence
    ),
    Row(
        "evaluation.close_scoring",
        OFFICE,
        available=lambda demo: ev.open_cycle(),
        unavailable=ev.in_review,
        done=lambda c: _status(c) == S.REVIEW,
    ),
    Row(
        "evaluation.publish",
        OFFICE,
        available=ev.in_review,
        unavailable=lambda demo: ev.open_cycle(),
        done=lambda c: _status(c) == S.PUBLISHED,
    ),
    Row(
        "evaluation_result.appeal",
        allowed_roles("property_firm"),
        available=_firm_result,
        unavailable=_appealed_result,
        data=lambda demo, r, user: {"appeal-reasons": "matrix: 夜间维修记录未计入"},
        done=_pending,
    ),
    Row(
        "evaluation_result.decide_appeal",
        OFFICE,
        available=_appealed_result,
        unavailable=_firm_result,
        data=lambda demo, r, user: {"decide-outcome": "rejected", "decide-decision": "维持"},
        done=lambda r: not _pending(r),
    ),
]


# --- budgets ---------------------------------------------------------------------------------


def _budget_cycle(demo: Any) -> EvaluationCycle:
    cycle = EvaluationCycle.objects.filter(status=S.SCORING, year__lt=5000).order_by("-pk").first()
    return cycle or ev.open_cycle()


def grow_answers(demo: Any, n: int) -> None:
    """``n`` more households answered the cycle's survey about 团结公寓."""
    cycle = _budget_cycle(demo)
    compound = ev.tuanjie()
    start = SurveyResponse.objects.filter(cycle=cycle).count()
    SurveyResponse.objects.bulk_create(
        SurveyResponse(
            cycle=cycle,
            compound=compound,
            organization_id=compound.property_provider_id,
            household_key=f"budget-{start + i}",
            answers=ev.survey_answers(cycle),
            score=75,
        )
        for i in range(n)
    )


def cycle_tasks(demo: Any, n: int) -> None:
    """``n`` cycles open for the survey and the scores (each its own half-year)."""
    base = ev.open_cycle()
    EvaluationCycle.objects.bulk_create(
        EvaluationCycle(
            subdistrict_id=base.subdistrict_id,
            year=next(_far_years),
            half=1,
            method=base.method,
            survey_closes_at=base.survey_closes_at,
            scoring_closes_at=base.scoring_closes_at,
            opened_by_id=base.opened_by_id,
        )
        for _ in range(n)
    )


def grow_appeals(demo: Any, n: int) -> None:
    """``n`` decided appeals against 京朝物业's result."""
    result = ev.result_of(ev.published(), ev.JINGCHAO)
    Appeal.objects.bulk_create(
        Appeal(
            result=result,
            reasons=f"budget {i}",
            filed_by=ev.user("wuye"),
            status=Appeal.Status.REJECTED,
        )
        for i in range(n)
    )


def appeal_tasks(demo: Any, n: int) -> None:
    """``n`` published results with an appeal waiting for the subdistrict's decision."""
    base = ev.published()
    cycles = EvaluationCycle.objects.bulk_create(
        EvaluationCycle(
            subdistrict_id=base.subdistrict_id,
            year=next(_far_years),
            half=2,
            method=base.method,
            status=S.PUBLISHED,
            survey_closes_at=base.survey_closes_at,
            scoring_closes_at=base.scoring_closes_at,
            opened_by_id=base.opened_by_id,
            published_at=base.published_at,
            publication=1,
            appeals_close_at=base.appeals_close_at,
        )
        for _ in range(n)
    )
    firm = ev.org(ev.JINGCHAO)
    results = EvaluationResult.objects.bulk_create(
        EvaluationResult(cycle=c, organization=firm, compound=None, score=70, grade="C")
        for c in cycles
    )
    Appeal.objects.bulk_create(
        Appeal(result=r, reasons="budget", filed_by=ev.user("wuye")) for r in results
    )


BUDGETS: dict[str, KindBudget] = {
    "evaluation": KindBudget(_budget_cycle, grow_answers, cycle_tasks),
    "evaluation_result": KindBudget(_firm_result, grow_appeals, appeal_tasks),
}
