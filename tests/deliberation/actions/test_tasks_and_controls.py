"""What a person may do next: the controls of a thing and the task list across things."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.models import WorkOrder
from deliberation.services.work_orders import accept_work_order
from tests.intake.factories import completed, dispatched, report, user, verified
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db


def _names(username: str, order: WorkOrder) -> list[str]:
    fresh = actions.kind_of("work_order").load(order.pk)  # type: ignore[union-attr]
    return [a.name for a in actions.available(user(username), fresh, "work_order")]


def _tasks(username: str) -> list[tuple[str, str, int]]:
    return [(t.kind.name, t.action.name, t.obj.pk) for t in actions.tasks_for(user(username))]


def test_controls_offer_only_what_is_possible_now_primary_first_danger_last(demo) -> None:
    _issue, order = dispatched()
    assert _names("wuye", order) == ["accept", "extension", "send_back"]
    assert _names("juwei", order) == []  # the committee follows, the firm acts
    accept_work_order(work_order=order, actor=user("wuye"))
    assert _names("wuye", order) == ["complete", "progress", "extension"]


def test_a_finished_order_offers_nothing_to_anyone(demo) -> None:
    issue, order = verified()
    for username in ("wuye", "jiedao", "dudao"):
        assert _names(username, order) == [], username
    assert _names("jumin", order) == ["confirm"]  # only the reporter's rating is left
    # ... which the residents' committee may enter for them, asked in person or by phone
    assert _names("juwei", order) == ["rate_for_reporter"]


def test_the_controls_endpoint_draws_the_persons_own_controls(demo) -> None:
    _issue, order = dispatched()
    url = reverse("action-controls", args=["work_order", order.pk])
    firm = login_client(user("wuye")).get(url).content.decode()
    assert firm.index('data-action="accept"') < firm.index('data-action="send_back"')
    committee = login_client(user("juwei")).get(url).content.decode()
    assert "data-action" not in committee and " hidden" in committee
    assert login_client(user("jumin2")).get(url).status_code == 404


def test_each_party_finds_its_next_step_in_its_task_list(demo) -> None:
    issue, order = dispatched()
    assert ("work_order", "accept", order.pk) in _tasks("wuye")
    assert all((k, pk) != ("work_order", order.pk) for k, _n, pk in _tasks("juwei"))
    accept_work_order(work_order=order, actor=user("wuye"))
    assert ("work_order", "complete", order.pk) in _tasks("wuye")

    _issue2, done = completed("电梯异响")
    assert ("work_order", "verify", done.pk) in _tasks("juwei")
    assert all((k, pk) != ("work_order", done.pk) for k, _n, pk in _tasks("wuye"))

    rated_issue, rated = verified("水管漏水")
    mine = [t for t in actions.tasks_for(user("jumin")) if t.obj.pk == rated.pk]
    assert [t.action.name for t in mine] == ["confirm"]
    assert mine[0].url == reverse("issue-detail", args=[rated_issue.pk])  # rated on the issue


def test_tasks_come_soonest_due_first_and_say_when_they_are_late(demo) -> None:
    _i1, later = dispatched("一")
    _i2, sooner = dispatched("二")
    now = timezone.now()
    WorkOrder.objects.filter(pk=later.pk).update(respond_by=now + timedelta(hours=30))
    WorkOrder.objects.filter(pk=sooner.pk).update(respond_by=now - timedelta(hours=1))
    tasks = [
        t
        for t in actions.tasks_for(user("wuye"))
        if t.kind.name == "work_order" and t.obj.pk in (later.pk, sooner.pk)
    ]  # the kind too: the demo's invitations (tasks of the firm) share the orders' pks
    assert [t.obj.pk for t in tasks] == [sooner.pk, later.pk]
    assert tasks[0].overdue and not tasks[1].overdue and not tasks[1].due_soon

    page = login_client(user("wuye")).get(reverse("task-list")).content.decode()
    assert 'id="task-list"' in page and "task-overdue" in page


def test_a_one_tap_task_is_taken_from_the_list_itself(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    url = reverse("action", args=["work_order", order.pk, "accept"])
    response = firm.post(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="task-list")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id="task-list"' in text and 'role="status"' in text
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS


def test_the_list_draws_the_first_tasks_and_offers_the_rest(demo) -> None:
    """A committee with many reports waiting for triage: its home, inbox and task list draw
    the soonest-due TASKS_SHOWN, say how many there are in all, and show the rest on demand
    (issue 14: a list of hundreds drawn on every page view was most of the page's time)."""
    from deliberation.actions.tasks import TASKS_SHOWN

    waiting = len(actions.tasks_for(user("juwei")))
    for n in range(TASKS_SHOWN + 5 - waiting):
        report(f"楼道灯坏了 {n}")
    total = len(actions.tasks_for(user("juwei")))
    assert total > TASKS_SHOWN
    committee = login_client(user("juwei"))
    for url in (reverse("task-list"), reverse("inbox")):
        page = committee.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        tasks = page[
            page.index('id="task-list"') : page.index("</section>", page.index('id="task-list"'))
        ]
        assert tasks.count('<li class="task') == TASKS_SHOWN, url
        assert f'<span class="count">{total}</span>' in tasks
        assert f"显示其余 {total - TASKS_SHOWN} 项待办" in tasks and "?all=1" in tasks
    everything = committee.get(reverse("task-list") + "?all=1").content.decode()
    assert everything.count('<li class="task') == total and "?all=1" not in everything


def test_a_backlog_beyond_what_the_list_loads_is_counted_and_a_new_report_is_listed(
    demo, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    """A committee with more reports waiting than its task list loads (``TRIAGE_TASKS_LOADED``,
    500): the count says all of them, the newest are listed — a new report is always among
    them, so the committee is told of it — and the older rest are left to the inbox."""
    from deliberation.actions import issues as issue_actions
    from deliberation.models import Notification, NotificationKind

    def triage_tasks() -> list[int]:
        return [t.obj.pk for t in actions.tasks_for(user("juwei")) if t.kind.name == "issue"]

    for n in range(4):
        report(f"楼道灯坏了 {n}")
    waiting = len(triage_tasks())
    everything = len(actions.tasks_for(user("juwei")))
    monkeypatch.setattr(issue_actions, "TRIAGE_TASKS_LOADED", 3)
    with django_capture_on_commit_callbacks(execute=True):
        newest = report("新装的路灯不亮")
    listed = triage_tasks()
    assert len(listed) == 3 and newest.pk in listed
    told = Notification.objects.filter(
        recipient=user("juwei"), kind=NotificationKind.TASK, target_pk=newest.pk
    )
    assert told.count() == 1
    page = login_client(user("juwei")).get(reverse("task-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    tasks = page.content.decode()
    assert f'<span class="count">{everything + 1}</span>' in tasks
    assert f"另有 {waiting + 1 - 3} 件较早的待分拨诉求未在此列出。" in tasks
    assert f'href="{reverse("inbox")}"' in tasks


def test_verifying_is_the_committees_task_and_the_subdistricts_only_where_none_serves(
    demo,
) -> None:
    """The subdistrict office and supervision group may verify any finished order (they
    oversee the committees), but it is their task only where no committee serves: an order
    of a compound with a residents' committee is the committee's task alone."""
    from deliberation.models import Community, Compound, Issue, IssueCategory
    from deliberation.services.issues import report_issue
    from deliberation.services.triage import dispatch_issue
    from deliberation.services.work_orders import complete_work_order

    _issue, in_compound = completed("楼道灯坏了")
    assert ("work_order", "verify", in_compound.pk) in _tasks("juwei")
    for overseer in ("jiedao", "dudao"):
        assert ("work_order", "verify", in_compound.pk) not in _tasks(overseer), overseer
        assert "verify" in _names(overseer, in_compound), overseer  # still theirs to take

    here = in_compound.compound
    alone = Compound.objects.create(  # a community with neither committee (yet)
        community=Community.objects.create(
            subdistrict=here.community.subdistrict, name="新建社区（筹）"
        ),
        name="新建小区",
        category=here.category,
        property_provider=here.property_provider,
    )
    street = report_issue(
        actor=user("jiedao"),
        channel=Issue.Channel.PHONE,
        description="单元门禁损坏",
        compound=alone,
        category=IssueCategory.objects.get(code="repair"),
        reporter_name="来电居民",
    )
    order = dispatch_issue(issue=street, actor=user("jiedao"), responsible=in_compound.responsible)
    accept_work_order(work_order=order, actor=user("wuye"))
    complete_work_order(work_order=order, actor=user("wuye"), text="已加固")
    for overseer in ("jiedao", "dudao"):
        assert ("work_order", "verify", order.pk) in _tasks(overseer), overseer
    assert ("work_order", "verify", order.pk) not in _tasks("juwei")
