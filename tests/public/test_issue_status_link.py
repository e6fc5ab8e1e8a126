"""An issue's public status behind a link that cannot be guessed (issue 11 §4): its reporter
finds the link and its QR code on the issue page; anyone with the link sees the status and
the timeline, no login, and nothing about the people in it; a changed or made-up link is a
404, like a missing page."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from deliberation.models import Issue, IssueActivity, Residency
from deliberation.selectors.public_status import status_token
from deliberation.services.issues import record_issue_activity, report_issue
from deliberation.services.work_orders import accept_work_order, add_progress
from tests.intake.factories import dispatched
from tests.support.clients import login_client
from tests.support.reading import shows_number

LINK = re.compile(r'id="issue-public-url">([^<]+)</a>')


def _link_on_issue_page(client: Client, issue: Issue) -> str | None:
    response = client.get(reverse("issue-detail", args=[issue.pk]))
    assert response.status_code == 200
    found = LINK.search(response.content.decode())
    return found.group(1) if found else None


def test_the_reporter_gets_the_link_and_anyone_with_it_sees_the_status(demo) -> None:
    issue, order = dispatched("2号楼302门口楼道灯坏了，卫阿姨说晚上看不见")
    accept_work_order(work_order=order, actor=demo.user("wuye"))
    add_progress(work_order=order, actor=demo.user("wuye"), text="电工明天上午到场")
    link = _link_on_issue_page(login_client(demo.user("jumin")), issue)
    assert link is not None and link.endswith(f"/public/issues/{status_token(issue)}/")
    page = login_client(demo.user("jumin")).get(reverse("issue-detail", args=[issue.pk]))
    assert "data:image/svg+xml" in page.content.decode()  # the QR code of the link

    response = Client().get(link.split("testserver", 1)[1])
    assert response.status_code == 200
    html = response.content.decode()
    issue.refresh_from_db()
    assert f'data-status="{issue.status}"' in html
    assert "电工明天上午到场" in html  # the firm's public step
    assert html.count('class="timeline-step"') == issue.activities.count()
    assert "京朝物业服务有限公司（示例）" in html  # the responsible party
    assert "卫阿姨" not in html and not shows_number(html, "302")  # the description is not shown
    assert "13800000012" not in html


def test_a_changed_or_made_up_link_is_a_missing_page(demo) -> None:
    issue, _ = dispatched("楼道灯坏了")
    token = status_token(issue)
    number, mac = token.split("-")
    other = dispatched("楼道有异味")[0]
    for wrong in (
        f"{number}-{mac[:-1]}{'0' if mac[-1] != '0' else '1'}",  # one digit changed
        f"{other.pk}-{mac}",  # another issue's id with this one's code
        number,
        f"{number}-",
        "x-y",
        f"{number}-{mac}0",
        f"{'9' * 30}-{mac}",
    ):
        assert Client().get(f"/public/issues/{wrong}/").status_code == 404, wrong
    assert Client().get(f"/public/issues/{status_token(999999)}/").status_code == 404
    assert Client().get(f"/public/issues/{token}/").status_code == 200


def test_staff_notes_and_names_in_public_steps_stay_off_the_public_status(demo) -> None:
    issue, order = dispatched("楼道灯坏了")
    record_issue_activity(
        issue=issue,
        kind=IssueActivity.Kind.NOTE,
        public_text="已联系卫阿姨（团结公寓居民），电话13800000012，2号楼302",
        staff_note="内部：业主脾气急，注意沟通",
        actor=demo.user("juwei"),
    )
    html = Client().get(f"/public/issues/{status_token(issue)}/").content.decode()
    assert "已联系" in html
    for leak in ("卫阿姨（团结公寓居民）", "13800000012", "2号楼302", "内部：业主脾气急"):
        assert leak not in html, leak


def test_a_phone_report_names_no_caller_and_the_committee_may_hand_out_its_link(demo) -> None:
    issue = report_issue(
        actor=demo.user("juwei"),
        channel=Issue.Channel.PHONE,
        description="下水道堵了",
        compound=demo.tuanjie,
        reporter_name="电话来访的何先生",
        reporter_phone="13912345678",
    )
    record_issue_activity(
        issue=issue,
        kind=IssueActivity.Kind.NOTE,
        public_text="已回电何先生（电话来访的何先生）",
        actor=demo.user("juwei"),
    )
    assert _link_on_issue_page(login_client(demo.user("juwei")), issue) is not None
    html = Client().get(f"/public/issues/{status_token(issue)}/").content.decode()
    assert "电话来访的何先生" not in html and "13912345678" not in html
    assert "139****5678" not in html


def test_only_the_reporter_and_the_committee_are_shown_the_link(demo) -> None:
    issue, _ = dispatched("楼道灯坏了")
    neighbour = demo.user("yeweihui")  # lives in 团结公寓 too, sees the issue's status
    assert Residency.objects.filter(user=neighbour, unit__building__compound=demo.tuanjie)
    assert _link_on_issue_page(login_client(neighbour), issue) is None
    assert _link_on_issue_page(login_client(demo.user("wuye")), issue) is None  # the firm
    assert _link_on_issue_page(login_client(demo.user("juwei")), issue) is not None
    assert _link_on_issue_page(login_client(demo.user("jumin")), issue) is not None
