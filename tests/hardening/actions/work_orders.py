"""Matrix rows and budgets of the work-order kinds: ``work_order``, ``extension``,
``escalation`` (``deliberation/actions/work_orders.py``).

Every thing is jumin's report in 团结公寓, dispatched by juwei to 京朝物业 (wuye), then taken
through the real services to the state a row needs.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from deliberation.models import Escalation, ExtensionRequest, Organization, User, WorkOrder

from .. import budgets
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

W = WorkOrder.Status
FIRM = allowed_roles("property_firm")
#: the committees serving 团结公寓 and the subdistrict (verification, extensions, 回访)
COMMITTEE = allowed_roles("party_committee", "residents_committee") | SUBDISTRICT
REPORTER = allowed_roles("resident")


def dispatched(demo: Any) -> WorkOrder:
    from tests.intake.factories import dispatched as make

    return make("matrix: 楼道灯坏了")[1]


def _step(order: WorkOrder, action: str, actor: str, **kwargs: Any) -> WorkOrder:
    """One step of the order's flow, as the party takes it (the flow must be at that node
    for the next step to be possible)."""
    from workflows import work_orders as flow

    return flow.perform(order, action, actor=User.objects.get(username=actor), **kwargs)


def accepted(demo: Any) -> WorkOrder:
    return _step(dispatched(demo), "accept", "wuye")


def completed(demo: Any) -> WorkOrder:
    return _step(accepted(demo), "complete", "wuye", text="已更换灯泡")


def verified(demo: Any) -> WorkOrder:
    return _step(completed(demo), "verify", "juwei", approved=True, note="")


def completed_without_reporter(demo: Any) -> WorkOrder:
    """An order the committee dispatched itself (no reporting resident), done by the firm."""
    from deliberation.services.work_orders import dispatch_work_order

    order = dispatch_work_order(
        actor=demo.user("juwei"),
        responsible=demo.tuanjie.property_provider,
        title="matrix: 消防通道清理",
        description="d",
        compound=demo.tuanjie,
    )
    return _step(_step(order, "accept", "wuye"), "complete", "wuye", text="已清理")


def verified_without_reporter(demo: Any) -> WorkOrder:
    return _step(completed_without_reporter(demo), "verify", "juwei", approved=True, note="")


def _ask_for_time(demo: Any, order: WorkOrder) -> ExtensionRequest:
    from deliberation.services.work_orders import request_extension

    return request_extension(
        work_order=order,
        actor=demo.user("wuye"),
        reason="需要订购配件",
        new_resolve_by=timezone.now() + timedelta(days=10),
    )


def waiting_for_time(demo: Any) -> WorkOrder:
    """Accepted, with an extension request the committee has not decided yet."""
    order = accepted(demo)
    _ask_for_time(demo, order)
    return order


def pending_extension(demo: Any) -> ExtensionRequest:
    return _ask_for_time(demo, accepted(demo))


def decided_extension(demo: Any) -> ExtensionRequest:
    from deliberation.services.work_orders import decide_extension

    extension = pending_extension(demo)
    decide_extension(extension=extension, actor=demo.user("juwei"), approve=True, note="")
    return extension


def open_escalation(demo: Any) -> Escalation:
    return Escalation.objects.create(
        work_order=dispatched(demo),
        supervisor=Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP),
        reason=Escalation.Reason.RESPOND_BY,
        deadline=timezone.now(),
    )


def handled_escalation(demo: Any) -> Escalation:
    from workflows import escalations

    escalation = open_escalation(demo)
    return escalations.handle(escalation, actor=demo.user("dudao"), note="已致电")


def _status(order: Any) -> str:
    return str(WorkOrder.objects.values_list("status", flat=True).get(pk=order.pk))


def _later() -> str:
    return timezone.localtime(timezone.now() + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")


ROWS: list[Row] = [
    Row(
        "work_order.accept",
        FIRM,
        available=dispatched,
        unavailable=accepted,
        done=lambda o: _status(o) == W.IN_PROGRESS,
    ),
    Row(
        "work_order.send_back",
        FIRM,
        available=dispatched,
        unavailable=accepted,
        data=lambda demo, o, user: {"back-reason": "不归我们管"},
        done=lambda o: _status(o) == W.SENT_BACK,
    ),
    Row(
        "work_order.progress",
        FIRM,
        available=accepted,
        unavailable=dispatched,
        data=lambda demo, o, user: {"progress-text": "已到现场查看"},
        done=lambda o: o.notes.filter(text="已到现场查看").exists(),
    ),
    Row(
        "work_order.complete",
        FIRM,
        available=accepted,
        unavailable=completed,
        data=lambda demo, o, user: {"complete-text": "已更换灯泡"},
        done=lambda o: _status(o) == W.COMPLETED,
    ),
    Row(
        "work_order.extension",
        FIRM,
        available=accepted,
        # one request at a time: not while the committee has one to decide
        unavailable=waiting_for_time,
        data=lambda demo, o, user: {"ext-reason": "需要订购配件", "ext-new_resolve_by": _later()},
        done=lambda o: o.extension_requests.filter(status="pending").exists(),
    ),
    Row(
        "work_order.verify",
        COMMITTEE,
        available=completed,
        unavailable=accepted,
        data=lambda demo, o, user: {"verify-approved": "yes", "verify-note": ""},
        done=lambda o: _status(o) == W.VERIFIED,
    ),
    Row(
        "work_order.confirm",
        REPORTER,
        scenario="the reporter rates",
        available=verified,
        unavailable=completed,
        data=lambda demo, o, user: {
            "confirm-fixed": "yes",
            "confirm-rating": "satisfied",
            "confirm-comment": "谢谢",
        },
        done=lambda o: _status(o) == W.CLOSED,
    ),
    Row(
        "work_order.confirm",
        COMMITTEE,
        scenario="the committee's follow-up call (no reporter)",
        available=verified_without_reporter,
        unavailable=completed_without_reporter,
        data=lambda demo, o, user: {"confirm-fixed": "yes", "confirm-rating": "satisfied"},
        done=lambda o: _status(o) == W.CLOSED,
    ),
    Row(
        "extension.decide",
        COMMITTEE,
        available=pending_extension,
        unavailable=decided_extension,
        data=lambda demo, e, user: {"decide-approve": "yes", "decide-note": "同意"},
        done=lambda e: ExtensionRequest.objects.get(pk=e.pk).status == "approved",
        about=lambda e: e.work_order,
    ),
    Row(
        "escalation.handle",
        allowed_roles("supervision_group"),
        available=open_escalation,
        unavailable=handled_escalation,
        data=lambda demo, e, user: {"esc-note": "已致电物业"},
        done=lambda e: Escalation.objects.get(pk=e.pk).status == Escalation.Status.HANDLED,
        about=lambda e: e.work_order,
    ),
]


# --- budgets: the controls of one thing and everyone's task list ----------------------------


def order_tasks(demo: Any, n: int) -> None:
    """Orders waiting for every party: dispatched ones for the firm, completed ones for the
    committees, verified ones for jumin to rate."""
    budgets.grow_inbox(demo, n)
    budgets.grow_to_verify(demo, n)
    _to_rate(demo, n)


def _to_rate(demo: Any, n: int) -> None:
    from deliberation.models import Issue

    jumin, compound = demo.user("jumin"), demo.tuanjie
    issues = Issue.objects.bulk_create(
        Issue(
            reporter=jumin,
            channel=Issue.Channel.WEB,
            description=f"budget rate {i}",
            compound=compound,
            responsible_id=compound.property_provider_id,
            status=Issue.Status.DISPATCHED,
        )
        for i in range(n)
    )
    now = timezone.now()
    WorkOrder.objects.bulk_create(
        WorkOrder(
            issue=issue,
            responsible_id=compound.property_provider_id,
            title=f"rate {i}",
            description="d",
            compound=compound,
            status=W.VERIFIED,
            respond_by=now + timedelta(days=1),
            resolve_by=now + timedelta(days=3),
        )
        for i, issue in enumerate(issues)
    )


def _requests(demo: Any, orders: list[Any], status: str) -> None:
    until = timezone.now() + timedelta(days=10)
    wuye = demo.user("wuye")
    ExtensionRequest.objects.bulk_create(
        ExtensionRequest(
            work_order=order,
            requested_by=wuye,
            reason=f"r{i}",
            new_resolve_by=until,
            status=status,
        )
        for i, order in enumerate(orders)
    )


def grow_extensions(demo: Any, n: int) -> None:
    """Decided requests on the thing's order."""
    _requests(demo, [budgets.the_order(demo)] * n, ExtensionRequest.Status.REFUSED)


def extension_tasks(demo: Any, n: int) -> None:
    """Pending requests on other orders (the committees' tasks)."""
    _requests(demo, budgets._orders(demo, n, W.IN_PROGRESS), ExtensionRequest.Status.PENDING)


def grow_handled_escalations(demo: Any, n: int) -> None:
    """Earlier escalations of the thing's order, handled."""
    escalation = budget_escalation(demo)
    Escalation.objects.bulk_create(
        Escalation(
            work_order_id=escalation.work_order_id,
            supervisor_id=escalation.supervisor_id,
            reason=Escalation.Reason.RESPOND_BY,
            deadline=timezone.now(),
            status=Escalation.Status.HANDLED,
        )
        for _ in range(n)
    )


def budget_extension(demo: Any) -> ExtensionRequest:
    if not hasattr(demo, "_budget_extension"):
        demo._budget_extension = _ask_for_time(demo, budgets.the_order(demo))
    return demo._budget_extension


def budget_escalation(demo: Any) -> Escalation:
    if not hasattr(demo, "_budget_escalation"):
        demo._budget_escalation = open_escalation(demo)
    return demo._budget_escalation


BUDGETS: dict[str, KindBudget] = {
    "work_order": KindBudget(budgets.the_order, budgets.grow_notes, order_tasks),
    "extension": KindBudget(budget_extension, grow_extensions, extension_tasks),
    "escalation": KindBudget(budget_escalation, grow_handled_escalations, budgets.grow_escalations),
}
