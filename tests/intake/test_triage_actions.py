"""Triage on the action model: a new report is the committee's task ("triage this report")
until it is routed; the issue page shows only the steps possible now, dispatch first; every
step is posted to the one action URL and says what happened; reporting tells the
committees' task lists to fetch themselves again."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliberation.errors import InvalidInput
from deliberation.models import Compound, Event, Issue, Organization, WorkOrder
from deliberation.services.issues import report_issue
from tests.intake.factories import report, tuanjie, user
from tests.intake.test_views import report_data
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db


def act(issue: Issue, name: str) -> str:
    return reverse("action", args=["issue", issue.pk, name])


def tasks_of(username: str) -> str:
    return login_client(user(username)).get(reverse("task-list")).content.decode()


def committees() -> list[int]:
    """团结公寓's residents' committee and community Party committee."""
    return list(
        Organization.objects.filter(
            community=tuanjie().community,
            kind__in=[Organization.Kind.RESIDENTS_COMMITTEE, Organization.Kind.PARTY_COMMITTEE],
        ).values_list("pk", flat=True)
    )


def test_a_new_report_is_the_committees_task_until_it_is_dispatched(demo) -> None:
    response = login_client(user("jumin")).post(reverse("issue-report"), report_data())
    assert response.status_code == 302
    issue = Issue.objects.latest("id")
    page = reverse("issue-detail", args=[issue.pk])
    for username in ("juwei", "shuji"):  # the residents' and Party committee serving it
        tasks = tasks_of(username)
        assert "分拨这条诉求" in tasks and f"诉求 #{issue.pk} · 楼道灯不亮" in tasks, username
        assert f'href="{page}"' in tasks  # to the issue page, where the form is
        assert "&lt;script&gt;" in tasks and "<script>alert" not in tasks  # escaped
    for username in ("juwei2", "wuye", "jumin"):  # another community, the firm, the reporter
        assert f"诉求 #{issue.pk}" not in tasks_of(username), username
    committee = login_client(user("juwei"))
    response = committee.post(
        act(issue, "dispatch"), {"dispatch-responsible": tuanjie().property_provider_id}
    )
    assert response.status_code == 302 and response["Location"] == page
    order = WorkOrder.objects.get(issue=issue)
    said = committee.get(page).content.decode()
    firm = "京朝物业服务有限公司（示例）"
    assert re.search(rf"诉求 #{issue.pk} 已派给{firm}（工单 #{order.pk}），须于 .+ 前响应。", said)
    assert f"诉求 #{issue.pk}" not in tasks_of("juwei")
    assert f"诉求 #{issue.pk}" not in tasks_of("shuji")


def test_a_report_without_a_compound_is_the_subdistricts_task_to_place(demo) -> None:
    issue = report_issue(
        actor=user("jumin"),
        channel=Issue.Channel.WEB,
        description="团结湖公园东门路灯不亮",
        location_text="团结湖公园东门",
    )
    assert f"诉求 #{issue.pk}" in tasks_of("jiedao")
    assert f"诉求 #{issue.pk}" not in tasks_of("juwei")
    page = login_client(user("jiedao")).get(reverse("issue-detail", args=[issue.pk]))
    html = page.content.decode()
    # nothing to dispatch before it is placed: setting the category (and place) comes first
    assert f'id="issue-dispatch-{issue.pk}"' not in html
    assert html.index(f'id="issue-categorise-{issue.pk}"') < html.index(
        f'id="issue-close-{issue.pk}"'
    )


def test_the_triage_controls_are_the_steps_possible_now_dispatch_first(demo) -> None:
    issue = report()
    html = login_client(user("juwei")).get(reverse("issue-detail", args=[issue.pk])).content
    steps = re.findall(rf'id="issue-(\w+)-{issue.pk}"', html.decode())
    assert steps == ["dispatch", "categorise", "session", "close", "duplicate"]
    assert 'class="primary">派发工单</button>' in html.decode()
    assert 'id="suggested-responsible"' in html.decode()
    # routed: nothing is left to do, on the page or at the URL
    committee = login_client(user("juwei"))
    response = committee.post(
        act(issue, "session"), {"session-public_text": "下次协商"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    answer = response.content.decode()
    assert f"诉求 #{issue.pk} 已转入议事协商，等待列入议程。" in answer
    assert "<form" not in answer  # the refreshed controls: no step remains
    page = committee.get(reverse("issue-detail", args=[issue.pk])).content.decode()
    assert f'id="issue-dispatch-{issue.pk}"' not in page
    late = committee.post(
        act(issue, "dispatch"), {"dispatch-responsible": tuanjie().property_provider_id}
    )
    assert late.status_code == 409
    assert not WorkOrder.objects.filter(issue=issue).exists()


def test_a_triage_step_pushes_a_refetch_to_the_issue_page_and_the_task_lists(demo) -> None:
    issue = report()
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = login_client(user("juwei")).post(
        act(issue, "close"),
        {"close-reason": "answered", "close-public_text": "已电话答复"},
    )
    assert response.status_code == 302
    events = Event.objects.filter(id__gt=before)
    controls = events.filter(kind="controls").values_list("topic", flat=True)
    assert f"issue:{issue.pk}:staff" in set(controls)
    tasks = set(events.filter(kind="tasks").values_list("topic", flat=True))
    assert {f"org:{o}:inbox" for o in committees()} <= tasks
    # content-free: says only "fetch again", never what changed
    for event in events.filter(kind__in=["controls", "tasks"]):
        assert "已电话答复" not in str(event.html)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("dispatch", lambda i: {"dispatch-responsible": tuanjie().property_provider_id}),
        (
            "categorise",
            lambda i: {
                "cat-category": i.category_id,
                "cat-urgency": "emergency",
                "cat-compound": i.compound_id,
            },
        ),
        ("session", lambda i: {"session-public_text": "将提交协商议事会"}),
        ("close", lambda i: {"close-reason": "answered", "close-public_text": "已电话答复"}),
    ],
)
def test_one_triage_step_tells_each_task_list_to_refetch_once(demo, name, data) -> None:
    """The step's own marker and the triage queue's were both recorded: an open inbox
    fetched its task list twice for one step."""
    issue = report()
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = login_client(user("juwei")).post(act(issue, name), data(issue))
    assert response.status_code == 302
    topics = list(Event.objects.filter(id__gt=before, kind="tasks").values_list("topic", flat=True))
    assert {f"org:{o}:inbox" for o in committees()} <= set(topics)
    assert len(topics) == len(set(topics)), sorted(topics)


def test_reporting_tells_the_committees_task_lists_to_refetch(demo) -> None:
    """Reporting is not an action (there is no issue yet): the service itself records the
    "fetch your task list again" marker on each serving committee's inbox topic, in the
    reporting transaction."""
    other = Organization.objects.get(name="团结湖北里社区居委会")
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = login_client(user("jumin")).post(reverse("issue-report"), report_data())
    assert response.status_code == 302
    markers = Event.objects.filter(id__gt=before, kind="tasks")
    topics = set(markers.values_list("topic", flat=True))
    assert topics == {f"org:{o}:inbox" for o in committees()}
    assert f"org:{other.pk}:inbox" not in topics
    html = str(markers.first().html)
    assert 'data-refetch="/tasks/"' in html and "楼道灯" not in html


def test_the_reporter_is_told_the_number_who_answers_and_by_when(demo) -> None:
    client = login_client(user("jumin"))
    response = client.post(reverse("issue-report"), report_data(), follow=True)
    issue = Issue.objects.latest("id")
    html = response.content.decode()
    assert re.search(
        rf"已收到您的反映（编号 #{issue.pk}），团结湖中路社区居委会将在 .+ 前处理。", html
    ), html


def test_a_place_that_does_not_fit_together_is_refused_in_the_users_language(demo) -> None:
    other = Compound.objects.get(name="轻工宿舍")
    building = tuanjie().buildings.first()
    with pytest.raises(InvalidInput) as refused:
        report_issue(
            actor=user("jiedao"),
            channel=Issue.Channel.PHONE,
            description="电梯故障",
            compound=other,
            building=building,
        )
    assert str(refused.value) == "该楼栋不在所选小区内。"
    assert "building" in refused.value.fields
