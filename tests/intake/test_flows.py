"""The intake and work-order flows, path by path, driven as the pages drive them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from viewflow.workflow.models import Process
from viewflow.workflow.status import PROCESS, STATUS

from deliberation.models import Escalation, Issue, WorkOrder
from deliberation.services.conflicts import Conflict
from deliberation.services.work_orders import (
    decide_extension,
    request_extension,
    sweep_deadlines,
)
from tests.intake.factories import report, tuanjie, user
from workflows import intake, work_orders
from workflows.intake import IntakeFlow
from workflows.work_orders import WorkOrderFlow, perform

S = Issue.Status
W = WorkOrder.Status


def open_nodes(process: Process) -> list[str]:
    return sorted(
        t.flow_task.name
        for t in process.task_set.filter(status=STATUS.NEW)  # type: ignore[union-attr]
    )


def dispatch(issue: Issue) -> WorkOrder:
    return intake.triage(
        issue, "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )


def test_every_reported_issue_starts_an_intake_flow(demo) -> None:
    issue = report()
    process = intake.process_of(issue)
    assert process is not None and process.artifact == issue
    assert open_nodes(process) == ["triage"]


def test_dispatch_accept_complete_verify_confirm_ends_both_flows(demo) -> None:
    issue = report()
    order = dispatch(issue)
    wo_process = work_orders.process_of(order)
    assert open_nodes(wo_process) == ["respond"]
    assert open_nodes(intake.process_of(issue)) == ["follow"]
    perform(order, "accept", actor=user("wuye"))
    assert open_nodes(wo_process) == ["work"]
    perform(order, "complete", actor=user("wuye"), text="已修好")
    perform(order, "verify", actor=user("juwei"), approved=True)
    perform(order, "confirm", actor=user("jumin"), fixed=True, rating="satisfied")
    wo_process.refresh_from_db()
    in_process = intake.process_of(issue)
    assert wo_process.status == PROCESS.DONE and in_process.status == PROCESS.DONE
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closure_reason == "fixed"


def test_send_back_returns_to_triage_then_redispatch(demo) -> None:
    issue = report()
    order = dispatch(issue)
    perform(order, "send_back", actor=user("wuye"), reason="属于产权单位")
    assert WorkOrder.objects.get(pk=order.pk).status == W.SENT_BACK
    assert work_orders.process_of(order).status == PROCESS.DONE
    assert open_nodes(intake.process_of(issue)) == ["triage"]
    second = dispatch(Issue.objects.get(pk=issue.pk))
    assert second.pk != order.pk and open_nodes(work_orders.process_of(second)) == ["respond"]


@pytest.mark.parametrize(("fixed", "rating"), [(True, "dissatisfied"), (False, "satisfied")])
def test_reopen_goes_back_to_work(demo, fixed, rating) -> None:
    issue = report()
    order = dispatch(issue)
    perform(order, "accept", actor=user("wuye"))
    perform(order, "complete", actor=user("wuye"), text="已修好")
    perform(order, "verify", actor=user("juwei"), approved=True)
    perform(order, "confirm", actor=user("jumin"), fixed=fixed, rating=rating)
    assert open_nodes(work_orders.process_of(order)) == ["work"]
    assert WorkOrder.objects.get(pk=order.pk).status == W.REOPENED
    perform(order, "complete", actor=user("wuye"), text="返工完成")
    assert open_nodes(work_orders.process_of(order)) == ["verify"]


def test_failed_verification_goes_back_to_work(demo) -> None:
    order = dispatch(report())
    perform(order, "accept", actor=user("wuye"))
    perform(order, "complete", actor=user("wuye"), text="已修好")
    perform(order, "verify", actor=user("juwei"), approved=False, note="还在漏")
    assert open_nodes(work_orders.process_of(order)) == ["work"]


def test_extension_and_overdue_do_not_disturb_the_flow(demo) -> None:
    order = dispatch(report())
    WorkOrder.objects.exclude(pk=order.pk).delete()
    sweep_deadlines(now=order.respond_by + timedelta(minutes=5))
    assert Escalation.objects.filter(work_order=order).count() == 1
    perform(order, "accept", actor=user("wuye"))
    ext = request_extension(
        work_order=order,
        actor=user("wuye"),
        reason="等配件",
        new_resolve_by=order.resolve_by + timedelta(days=3),
    )
    decide_extension(extension=ext, actor=user("juwei"), approve=True)
    assert open_nodes(work_orders.process_of(order)) == ["work"]


@pytest.mark.parametrize(
    "reason", ["not_fixed", "not_our_responsibility", "no_further_action", "answered", "fixed"]
)
def test_close_at_triage_ends_the_flow(demo, reason) -> None:
    issue = report()
    intake.triage(issue, "close", actor=user("juwei"), reason=reason, public_text="已答复")
    assert intake.process_of(issue).status == PROCESS.DONE
    assert Issue.objects.get(pk=issue.pk).closure_reason == reason


def test_duplicate_and_session_routes(demo) -> None:
    first, second, third = report("a"), report("b"), report("c")
    intake.triage(second, "duplicate", actor=user("juwei"), duplicate_of=first)
    assert Issue.objects.get(pk=second.pk).closure_reason == "duplicate"
    intake.triage(third, "session", actor=user("juwei"))
    process = intake.process_of(third)
    assert process.status == PROCESS.DONE
    assert process.task_set.filter(flow_task=IntakeFlow.to_session).exists()


def test_wrong_step_or_second_click_is_a_conflict(demo) -> None:
    issue = report()
    order = dispatch(issue)
    with pytest.raises(Conflict):
        perform(order, "complete", actor=user("wuye"), text="x")
    perform(order, "accept", actor=user("wuye"))
    with pytest.raises(Conflict):
        perform(order, "accept", actor=user("wuye"))
    with pytest.raises(Conflict):
        intake.triage(issue, "close", actor=user("juwei"), reason="fixed", public_text="x")


def test_permission_errors_leave_the_task_waiting(demo) -> None:
    from django.core.exceptions import PermissionDenied

    order = dispatch(report())
    with pytest.raises(PermissionDenied):
        perform(order, "accept", actor=user("fangguan"))
    assert open_nodes(work_orders.process_of(order)) == ["respond"]
    assert WorkOrder.objects.get(pk=order.pk).status == W.DISPATCHED


def test_flows_declare_a_real_lock() -> None:
    from workflows.locking import process_row_lock

    assert IntakeFlow.lock_impl is process_row_lock  # blocking (workflows/locking.py)
    assert WorkOrderFlow.lock_impl is process_row_lock


def test_an_order_from_a_session_sent_back_can_be_triaged_again(demo) -> None:
    from deliberation.services.work_orders import dispatch_work_order

    issue = report("停车难")
    intake.triage(issue, "session", actor=user("juwei"))
    order = dispatch_work_order(
        actor=user("shuji"),
        responsible=tuanjie().property_provider,
        title="施划车位",
        description="议事会决议",
        compound=tuanjie(),
        issue=issue,
    )
    perform(order, "send_back", actor=user("wuye"), reason="需业主大会表决")
    issue.refresh_from_db()
    assert issue.status == S.NEW
    intake.triage(
        issue, "close", actor=user("juwei"), reason="no_further_action", public_text="转业主大会"
    )
    assert Issue.objects.get(pk=issue.pk).closure_reason == "no_further_action"


def test_overdue_opens_a_supervision_task(demo) -> None:
    from workflows import escalations

    order = dispatch(report())
    WorkOrder.objects.exclude(pk=order.pk).delete()
    sweep_deadlines(now=order.respond_by + timedelta(minutes=1))
    escalation = Escalation.objects.get(work_order=order)
    process = escalations.process_of(escalation)
    assert open_nodes(process) == ["follow_up"]
    escalations.handle(escalation, actor=user("dudao"), note="已电话督办")
    process.refresh_from_db()
    assert process.status == PROCESS.DONE
    with pytest.raises(Conflict):
        escalations.handle(escalation, actor=user("dudao"), note="again")
