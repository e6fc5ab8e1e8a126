"""Every path of an issue and its work order, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deliberation.errors import InvalidInput
from deliberation.models import (
    Escalation,
    Event,
    ExtensionRequest,
    Issue,
    IssueActivity,
    IssueCategory,
    Organization,
    SlaPolicy,
    Urgency,
    WorkOrder,
)
from deliberation.services.conflicts import Conflict
from deliberation.services.issues import move_issue, record_issue_activity
from deliberation.services.triage import close_issue, mark_duplicate, send_to_session
from deliberation.services.work_orders import (
    accept_work_order,
    add_progress,
    complete_work_order,
    confirm_work_order,
    decide_extension,
    dispatch_work_order,
    handle_escalation,
    request_extension,
    send_back_work_order,
    sla_deadlines,
    sweep_deadlines,
    verify_work_order,
)
from tests.intake.factories import completed, dispatched, report, tuanjie, user, verified

S = Issue.Status
W = WorkOrder.Status


def kinds(issue: Issue) -> list[str]:
    return list(issue.activities.order_by("id").values_list("kind", flat=True))


def test_report_lands_in_the_committee_queue_and_pushes(demo) -> None:
    issue = report("楼道灯<script>alert(1)</script>坏了")
    assert issue.status == S.NEW and issue.reporter == user("jumin")
    rc = tuanjie().community.residents_committee
    topics = set(Event.objects.values_list("topic", flat=True))
    assert {f"issue:{issue.pk}:public", f"issue:{issue.pk}:staff", f"org:{rc.pk}:inbox"} <= topics
    inbox = Event.objects.filter(topic=f"org:{rc.pk}:inbox")
    queue = inbox.filter(kind="triage.changed").latest("id").html["zh-hans"]
    assert "&lt;script&gt;" in queue and "<script>alert" not in queue
    # then the committee's task lists are told to fetch themselves again (content-free)
    marker = inbox.filter(kind="tasks").latest("id").html["zh-hans"]
    assert 'data-refetch="/tasks/"' in marker and "script" not in marker


def test_dispatch_accept_progress_complete_verify_confirm(demo) -> None:
    issue, order = dispatched()
    issue.refresh_from_db()
    assert issue.status == S.DISPATCHED and issue.responsible == order.responsible
    assert order.status == W.DISPATCHED and order.respond_by < order.resolve_by
    accept_work_order(work_order=order, actor=user("wuye"))
    issue.refresh_from_db()
    assert issue.status == S.IN_PROGRESS and issue.responded_at is not None
    add_progress(work_order=order, actor=user("wuye"), text="已采购灯具")
    complete_work_order(work_order=order, actor=user("wuye"), text="已更换")
    verify_work_order(work_order=order, actor=user("juwei"), approved=True)
    issue.refresh_from_db()
    assert issue.status == S.RESOLVED and issue.resolved_at is not None
    confirm_work_order(
        work_order=order, actor=user("jumin"), fixed=True, rating=Issue.Rating.SATISFIED
    )
    issue.refresh_from_db()
    order.refresh_from_db()
    assert order.status == W.CLOSED and order.rating == Issue.Rating.SATISFIED
    assert issue.status == S.CLOSED and issue.closure_reason == Issue.ClosureReason.FIXED
    assert issue.rating == Issue.Rating.SATISFIED
    assert kinds(issue) == [
        "reported", "dispatched", "accepted", "progress", "completed", "verified", "rated",
    ]  # fmt: skip


def test_public_fragment_never_carries_staff_notes(demo) -> None:
    issue, order = dispatched()
    send_back_work_order(work_order=order, actor=user("wuye"), reason="内部原因：合同未覆盖")
    public = Event.objects.filter(topic=f"issue:{issue.pk}:public").latest("id").html["zh-hans"]
    staff = Event.objects.filter(topic=f"issue:{issue.pk}:staff").latest("id").html["zh-hans"]
    assert "合同未覆盖" in staff and "合同未覆盖" not in public
    assert "13800000012" not in public


def test_send_back_returns_the_issue_to_triage(demo) -> None:
    issue, order = dispatched()
    send_back_work_order(work_order=order, actor=user("wuye"), reason="不属于物业范围")
    issue.refresh_from_db()
    order.refresh_from_db()
    assert order.status == W.SENT_BACK and order.sent_back_reason == "不属于物业范围"
    assert issue.status == S.NEW and issue.responsible is None
    with pytest.raises(InvalidInput):
        send_back_work_order(work_order=order, actor=user("wuye"), reason=" ")


@pytest.mark.parametrize(
    ("fixed", "rating"),
    [(True, Issue.Rating.DISSATISFIED), (False, Issue.Rating.BASICALLY_SATISFIED)],
)
def test_dissatisfied_or_not_fixed_reopens(demo, fixed, rating) -> None:
    issue, order = verified()
    confirm_work_order(work_order=order, actor=user("jumin"), fixed=fixed, rating=rating)
    issue.refresh_from_db()
    order.refresh_from_db()
    assert order.status == W.REOPENED and order.reopen_count == 1
    assert issue.status == S.IN_PROGRESS and issue.reopen_count == 1 and issue.rating == rating
    # The party works again and completes; the cycle can close this time.
    complete_work_order(work_order=order, actor=user("wuye"), text="重新维修")
    verify_work_order(work_order=order, actor=user("juwei"), approved=True)
    confirm_work_order(
        work_order=order, actor=user("jumin"), fixed=True, rating=Issue.Rating.SATISFIED
    )
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closure_reason == "fixed"


def test_verification_can_send_the_work_back(demo) -> None:
    issue, order = completed()
    with pytest.raises(InvalidInput):
        verify_work_order(work_order=order, actor=user("juwei"), approved=False, note="")
    verify_work_order(work_order=order, actor=user("juwei"), approved=False, note="灯仍不亮")
    order.refresh_from_db()
    assert order.status == W.IN_PROGRESS


def test_extension_needs_reason_and_committee_approval(demo) -> None:
    issue, order = dispatched()
    accept_work_order(work_order=order, actor=user("wuye"))
    later = order.resolve_by + timedelta(days=5)
    with pytest.raises(InvalidInput):
        request_extension(work_order=order, actor=user("wuye"), reason="", new_resolve_by=later)
    ext = request_extension(
        work_order=order, actor=user("wuye"), reason="等待配件", new_resolve_by=later
    )
    with pytest.raises(Conflict):
        request_extension(work_order=order, actor=user("wuye"), reason="再延", new_resolve_by=later)
    with pytest.raises(PermissionDenied):  # the party cannot approve its own request
        decide_extension(extension=ext, actor=user("wuye"), approve=True)
    decide_extension(extension=ext, actor=user("juwei"), approve=True, note="同意")
    order.refresh_from_db()
    assert order.resolve_by == later
    assert ExtensionRequest.objects.get().status == ExtensionRequest.Status.APPROVED
    with pytest.raises(Conflict):
        decide_extension(extension=ext, actor=user("juwei"), approve=False)


def test_refused_extension_keeps_the_deadline(demo) -> None:
    issue, order = dispatched()
    accept_work_order(work_order=order, actor=user("wuye"))
    before = order.resolve_by
    ext = request_extension(
        work_order=order,
        actor=user("wuye"),
        reason="人手不足",
        new_resolve_by=before + timedelta(days=3),
    )
    decide_extension(extension=ext, actor=user("juwei"), approve=False, note="请按期完成")
    order.refresh_from_db()
    assert order.resolve_by == before


def test_overdue_sweep_escalates_once_and_the_group_follows_up(demo) -> None:
    issue, order = dispatched()
    WorkOrder.objects.exclude(pk=order.pk).delete()  # the demo's own orders
    later = order.respond_by + timedelta(minutes=1)
    assert sweep_deadlines(now=order.respond_by - timedelta(minutes=1)) == 0
    assert sweep_deadlines(now=later) == 1
    assert sweep_deadlines(now=later) == 0  # idempotent
    order.refresh_from_db()
    assert order.is_overdue
    escalation = Escalation.objects.get()
    supervisor = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    assert escalation.supervisor == supervisor
    assert escalation.reason == Escalation.Reason.RESPOND_BY
    assert Event.objects.filter(topic=f"org:{supervisor.pk}:inbox").exists()
    assert "overdue" in kinds(issue)
    with pytest.raises(PermissionDenied):
        handle_escalation(escalation=escalation, actor=user("juwei"), note="x")
    handle_escalation(escalation=escalation, actor=user("dudao"), note="已约谈物业")
    escalation.refresh_from_db()
    assert escalation.status == Escalation.Status.HANDLED
    with pytest.raises(Conflict):
        handle_escalation(escalation=escalation, actor=user("dudao"), note="again")
    # Accepted late, then the resolve-by deadline passes too: a second escalation.
    accept_work_order(work_order=order, actor=user("wuye"))
    order.refresh_from_db()
    assert sweep_deadlines(now=order.resolve_by + timedelta(seconds=1)) == 1
    assert Escalation.objects.filter(reason=Escalation.Reason.RESOLVE_BY).count() == 1


def test_overdue_sweep_ignores_orders_that_moved_on(demo) -> None:
    issue, order = dispatched()
    WorkOrder.objects.exclude(pk=order.pk).delete()
    accept_work_order(work_order=order, actor=user("wuye"))
    assert sweep_deadlines(now=order.respond_by + timedelta(hours=1)) == 0


@pytest.mark.parametrize("reason", [r for r in Issue.ClosureReason.values if r != "duplicate"])
def test_each_closure_reason_is_kept(demo, reason) -> None:
    issue = report()
    close_issue(issue=issue, actor=user("juwei"), reason=reason, public_text="已答复")
    issue.refresh_from_db()
    assert issue.status == S.CLOSED and issue.closure_reason == reason
    assert issue.closed_at is not None
    assert (issue.resolved_at is not None) == (reason == "fixed")


def test_duplicate_points_to_the_original(demo) -> None:
    original = report("单元门坏了")
    copy = report("单元门又坏了")
    mark_duplicate(issue=copy, actor=user("juwei"), duplicate_of=original)
    copy.refresh_from_db()
    assert copy.closure_reason == "duplicate" and copy.duplicate_of == original
    with pytest.raises(InvalidInput) as refused:  # a person's mistake: said in their language
        mark_duplicate(issue=original, actor=user("juwei"), duplicate_of=original)
    assert str(refused.value) == "诉求不能与自己重复。"


def test_awaiting_session_then_a_resolution_work_order(demo) -> None:
    issue = report("小区停车位不足")
    send_to_session(issue=issue, actor=user("juwei"))
    issue.refresh_from_db()
    assert issue.status == S.AWAITING_SESSION
    move_issue(issue=issue, status=S.ON_AGENDA, actor=user("shuji"), public_text="列入议题")
    assert issue.status == S.ON_AGENDA
    order = dispatch_work_order(
        actor=user("shuji"),
        responsible=tuanjie().property_provider,
        title="施划停车位",
        description="按议事会决议施划",
        compound=tuanjie(),
        issue=issue,
        origin=issue,  # any model instance
    )
    issue.refresh_from_db()
    assert issue.status == S.RESOLUTION_ASSIGNED
    assert order.origin == issue


def test_record_activity_with_a_link(demo) -> None:
    issue = report()
    activity = record_issue_activity(
        issue=issue, kind="note", public_text="已电话联系", staff_note="住户白天不在", link=issue
    )
    assert activity.link == issue
    assert IssueActivity.objects.filter(issue=issue).count() == 2


def test_triage_is_for_the_committee_of_the_compound(demo) -> None:
    issue = report()
    for username in ("jumin", "wuye", "juwei2", "fangguan"):
        with pytest.raises(PermissionDenied):
            close_issue(issue=issue, actor=user(username), reason="answered", public_text="x")
    assert Issue.objects.get(pk=issue.pk).status == S.NEW


def test_state_conflicts_are_reported(demo) -> None:
    issue, order = dispatched()
    accept_work_order(work_order=order, actor=user("wuye"))
    with pytest.raises(Conflict):
        accept_work_order(work_order=order, actor=user("wuye"))
    with pytest.raises(Conflict):
        send_back_work_order(work_order=order, actor=user("wuye"), reason="晚了")
    with pytest.raises(PermissionDenied):
        complete_work_order(work_order=order, actor=user("fangguan"), text="x")


def test_sla_comes_from_the_policy_table(demo) -> None:
    start = timezone.now()
    respond, resolve = sla_deadlines(category=None, urgency=Urgency.EMERGENCY, start=start)
    assert (respond - start, resolve - start) == (timedelta(hours=1), timedelta(hours=2))
    leak = IssueCategory.objects.get(code="leak")
    SlaPolicy.objects.create(
        category=leak,
        urgency=Urgency.UTILITIES,
        respond_within=timedelta(minutes=30),
        resolve_within=timedelta(hours=8),
    )
    respond, resolve = sla_deadlines(category=leak, urgency=Urgency.UTILITIES, start=start)
    assert (respond - start, resolve - start) == (timedelta(minutes=30), timedelta(hours=8))
    respond, _ = sla_deadlines(category=leak, urgency=Urgency.ORDINARY, start=start)
    assert respond - start == timedelta(hours=24)
