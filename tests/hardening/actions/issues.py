"""Matrix rows and budgets of the issue kind (``deliberation/actions/issues.py``): triage.

The thing is a report jumin just made in 团结公寓 (new: waiting for triage); where triage
is no longer possible it has been dispatched to 京朝物业 already.
"""

from __future__ import annotations

from typing import Any

from deliberation.models import Issue, IssueCategory

from .. import growth_intake
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

S = Issue.Status
#: the committees serving 团结公寓 and the subdistrict
TRIAGE = allowed_roles("party_committee", "residents_committee") | SUBDISTRICT


def new_issue(demo: Any) -> Issue:
    from tests.intake.factories import report

    return report("matrix: 楼道有异味")


def dispatched_issue(demo: Any) -> Issue:
    from tests.intake.factories import dispatched

    return dispatched("matrix: 楼道灯坏了")[0]


def _status(issue: Any) -> str:
    return str(Issue.objects.values_list("status", flat=True).get(pk=issue.pk))


def _another(demo: Any, issue: Any, user: Any) -> dict[str, Any]:
    """An earlier report about the same compound (the one this one repeats)."""
    other = Issue.objects.filter(compound_id=issue.compound_id).exclude(pk=issue.pk).first()
    assert other is not None
    return {"dup-duplicate_of": other.pk, "dup-note": "同一问题"}


def _category(demo: Any, issue: Any, user: Any) -> dict[str, Any]:
    noise = IssueCategory.objects.get(code="noise")
    return {"cat-category": noise.pk, "cat-urgency": "emergency", "cat-compound": issue.compound_id}


ROWS: list[Row] = [
    Row(
        "issue.dispatch",
        TRIAGE,
        available=new_issue,
        unavailable=dispatched_issue,
        data=lambda demo, i, user: {
            "dispatch-responsible": i.compound.property_provider_id,
            "dispatch-title": "楼道异味",
        },
        done=lambda i: _status(i) == S.DISPATCHED,
    ),
    Row(
        "issue.categorise",
        TRIAGE,
        available=new_issue,
        unavailable=dispatched_issue,
        data=_category,
        done=lambda i: Issue.objects.get(pk=i.pk).urgency == "emergency",
    ),
    Row(
        "issue.session",
        TRIAGE,
        available=new_issue,
        unavailable=dispatched_issue,
        data=lambda demo, i, user: {"session-public_text": "将提交协商议事会"},
        done=lambda i: _status(i) != S.NEW,
    ),
    Row(
        "issue.close",
        TRIAGE,
        available=new_issue,
        unavailable=dispatched_issue,
        data=lambda demo, i, user: {"close-reason": "answered", "close-public_text": "已答复"},
        done=lambda i: _status(i) == S.CLOSED,
    ),
    Row(
        "issue.duplicate",
        TRIAGE,
        available=new_issue,
        unavailable=dispatched_issue,
        data=_another,
        done=lambda i: _status(i) == S.CLOSED,
    ),
]

BUDGETS: dict[str, KindBudget] = {
    "issue": KindBudget(
        growth_intake.the_new_issue,
        growth_intake.grow_triage_choices,
        growth_intake.grow_new_issues,
    ),
}
