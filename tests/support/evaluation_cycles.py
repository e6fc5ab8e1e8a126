"""Evaluation cycles in each state, made through the services (tests and matrix rows)."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from deliberation.evaluation_method import DEFAULT_METHOD
from deliberation.models import (
    Appeal,
    Compound,
    EvaluationCycle,
    EvaluationResult,
    Organization,
    Subdistrict,
    Unit,
    User,
)
from deliberation.services.evaluations import appeals, cycles, surveys
from deliberation.services.evaluations.common import criteria

#: each cycle its own half-year (one cycle per subdistrict and half-year)
_years = count(2040)

JINGCHAO = "京朝物业服务有限公司（示例）"


def user(username: str) -> User:
    return User.objects.get(username=username)


def open_cycle(*, survey_days: int = 7, scoring_days: int = 14, **method: Any) -> EvaluationCycle:
    now = timezone.now()
    return cycles.open_cycle(
        by=user("jiedao"),
        subdistrict=Subdistrict.objects.get(),
        year=next(_years),
        half=1,
        method={**DEFAULT_METHOD, **method},
        survey_closes_at=now + timedelta(days=survey_days),
        scoring_closes_at=now + timedelta(days=scoring_days),
    )


def survey_answers(cycle: EvaluationCycle, value: int = 4) -> dict[str, int]:
    return {c["key"]: value for c in criteria(cycle.method, "survey")}


def party_answers(cycle: EvaluationCycle, share: float = 0.8) -> dict[str, int]:
    return {c["key"]: int(c["max"] * share) for c in criteria(cycle.method, "party")}


def home_of(username: str) -> Unit:
    unit = Unit.objects.filter(residencies__user__username=username).order_by("pk").first()
    assert unit is not None
    return unit


def org(name: str) -> Organization:
    return Organization.objects.get(name=name)


def tuanjie() -> Compound:
    return Compound.objects.get(name="团结公寓")


def result_of(cycle: EvaluationCycle, organization: str, compound: Compound | None = None) -> Any:
    return EvaluationResult.objects.get(
        cycle=cycle, organization=org(organization), compound=compound
    )


def score_all(cycle: EvaluationCycle) -> None:
    """团结公寓's committees and the department score 京朝物业; jumin answers the survey."""
    firm = org(JINGCHAO)
    surveys.submit_survey(
        cycle=cycle, unit=home_of("jumin"), by=user("jumin"), answers=survey_answers(cycle)
    )
    for username, scorer, compound in (
        ("shuji", "团结湖中路社区党委", tuanjie()),
        ("juwei", "团结湖中路社区居委会", tuanjie()),
        ("jiedao", "团结湖街道办事处城市管理科", None),
        ("wuye", JINGCHAO, None),
    ):
        surveys.submit_party_score(
            cycle=cycle,
            by=user(username),
            scorer=org(scorer),
            organization=firm,
            compound=compound,
            answers=party_answers(cycle),
        )


def in_review(demo: Any = None) -> EvaluationCycle:
    cycle = open_cycle()
    score_all(cycle)
    return cycles.close_scoring(cycle=cycle, by=user("jiedao"))


def published(demo: Any = None) -> EvaluationCycle:
    return cycles.publish_cycle(cycle=in_review(), by=user("jiedao"))


def appealed(demo: Any = None) -> Appeal:
    cycle = published()
    return appeals.file_appeal(
        result=result_of(cycle, JINGCHAO), by=user("wuye"), reasons="夜间维修记录未计入。"
    )
