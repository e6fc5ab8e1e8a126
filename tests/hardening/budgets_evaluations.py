"""Page budgets of the community evaluation (read into ``budgets.PAGES`` at its end): each
page at 10 and 1,000 rows of what it lists (cycles, survey answers, appeals)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from deliberation.models import EvaluationCycle
from deliberation.services.evaluations import appeals
from tests.support import evaluation_cycles as ev

from .actions.evaluations import cycle_tasks, grow_answers, grow_appeals
from .budgets import Budget, FragmentBudget


def _scoring(demo: Any) -> EvaluationCycle:
    found = EvaluationCycle.objects.filter(status="scoring", year__lt=5000).order_by("-pk").first()
    return found or ev.open_cycle()


def _published(demo: Any) -> EvaluationCycle:
    found = EvaluationCycle.objects.filter(status="published", year__gte=2040, year__lt=5000)
    return found.order_by("-pk").first() or ev.published()


def grow_cycles(demo: Any, n: int) -> None:
    """``n`` more cycles on the list."""
    cycle_tasks(demo, n)


def grow_published_appeals(demo: Any, n: int) -> None:
    grow_appeals(demo, n)


def _export_url(demo: Any) -> str:
    return reverse("evaluation-export", args=[_published(demo).pk, "xlsx"])


def _url(name: str, cycle: Any) -> Any:
    return lambda demo: reverse(name, args=[cycle(demo).pk])


PAGES: dict[str, list[Budget]] = {
    "evaluation-list": [
        Budget(u, lambda d: reverse("evaluation-list"), grow_cycles) for u in ("jiedao", "juwei")
    ],
    "evaluation-detail": [
        Budget(u, _url("evaluation-detail", _scoring), grow_answers) for u in ("jiedao", "shuji")
    ]
    + [
        Budget(u, _url("evaluation-detail", _published), grow_published_appeals)
        for u in ("jiedao", "wuye")
    ],
    "evaluation-survey": [Budget("jumin", _url("evaluation-survey", _scoring), grow_answers)],
    "evaluation-score": [
        Budget(u, _url("evaluation-score", _scoring), grow_answers) for u in ("shuji", "jiedao")
    ],
    "evaluation-export": [
        Budget(None, _export_url, grow_published_appeals),
    ],
    "evaluation-public": [
        Budget(None, _url("evaluation-public", _published), grow_published_appeals),
        Budget("jumin", _url("evaluation-public", _published), grow_published_appeals),
    ],
}


def _appeal(demo: Any, cycle: EvaluationCycle) -> Any:
    """Filing an appeal pushes the cycle's status panel (appeals waiting)."""
    return appeals.file_appeal(
        result=ev.result_of(cycle, ev.JINGCHAO), by=ev.user("wuye"), reasons="预算申诉"
    )


FRAGMENTS: dict[str, FragmentBudget] = {
    "evaluations/_status.html": FragmentBudget(
        grow_published_appeals, _appeal, prepare=lambda demo, i: ev.published(), max_queries=40
    ),
}
