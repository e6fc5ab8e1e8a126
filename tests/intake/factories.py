"""Small helpers to put issues and work orders in a given state through the services."""

from __future__ import annotations

from deliberation.models import Compound, Issue, IssueCategory, WorkOrder
from deliberation.services.issues import report_issue
from deliberation.services.triage import dispatch_issue
from deliberation.services.work_orders import (
    accept_work_order,
    complete_work_order,
    verify_work_order,
)
from tests.support.demo import user


def tuanjie() -> Compound:
    return Compound.objects.select_related("community").get(name="团结公寓")


def report(
    description: str = "楼道灯坏了", *, username: str = "jumin", compound: Compound | None = None
) -> Issue:
    return report_issue(
        actor=user(username),
        channel=Issue.Channel.WEB,
        description=description,
        compound=compound or tuanjie(),
        category=IssueCategory.objects.get(code="repair"),
    )


def dispatched(description: str = "楼道灯坏了") -> tuple[Issue, WorkOrder]:
    issue = report(description)
    order = dispatch_issue(
        issue=issue, actor=user("juwei"), responsible=tuanjie().property_provider
    )
    return issue, order


def completed(description: str = "楼道灯坏了") -> tuple[Issue, WorkOrder]:
    issue, order = dispatched(description)
    accept_work_order(work_order=order, actor=user("wuye"))
    complete_work_order(work_order=order, actor=user("wuye"), text="已更换灯泡")
    return issue, order


def verified(description: str = "楼道灯坏了") -> tuple[Issue, WorkOrder]:
    issue, order = completed(description)
    verify_work_order(work_order=order, actor=user("juwei"), approved=True)
    return issue, order
