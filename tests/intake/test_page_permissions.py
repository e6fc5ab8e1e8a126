"""Role × page table: the issue page (and its staff part), the work order page, the inbox."""

from __future__ import annotations

from django.urls import reverse

from tests.intake.factories import dispatched, user
from tests.support.clients import login_client

ROLES = ["jumin", "yeweihui", "jumin2", "wuye", "fangguan", "juwei", "juwei2", "jiedao", "dudao"]


def test_page_table(demo) -> None:
    """404 where the role may not know the issue or order exists (as for a missing id); 403
    where it may (the reporter confirms the order from the issue page, never opens it)."""
    issue, order = dispatched()
    issue_url = reverse("issue-detail", args=[issue.pk])
    order_url = reverse("work-order-detail", args=[order.pk])
    table = {
        #                   jumin yewei jumin2 wuye fangg juwei juwei2 jiedao dudao
        "issue page":       (200, 200,  404,   200, 404,  200,  404,   200,   200),
        "staff record":     (0,   1,    0,     1,   0,    1,    0,     1,     1),
        "work order page":  (403, 200,  404,   200, 404,  200,  404,   200,   200),
        "order in inbox":   (0,   0,    0,     1,   0,    0,    0,     0,     0),
    }  # fmt: skip
    failures = []
    for i, username in enumerate(ROLES):
        client = login_client(user(username))
        page = client.get(issue_url)
        inbox = client.get(reverse("inbox"), follow=True).content.decode()
        got = {
            "issue page": page.status_code,
            "staff record": int(f'id="issue-{issue.pk}-staff"' in page.content.decode()),
            "work order page": client.get(order_url).status_code,
            "order in inbox": int(f"inbox-row-{order.pk}" in inbox),
        }
        for row, expected in table.items():
            if got[row] != expected[i]:
                failures.append((row, username, got[row]))
    assert failures == []


def test_one_organizations_inbox_for_its_members_and_the_subdistrict(demo) -> None:
    """``/inbox/?org=``: the firm's inbox for the firm and the subdistrict (which oversees
    every party), 403 for everyone else; the sections follow their own rules."""
    from deliberation.models import Organization

    _issue, order = dispatched()
    firm = order.responsible
    committee = Organization.objects.get(name="团结湖中路社区居委会")
    group = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    url = reverse("inbox")
    table = {
        #             jumin yewei jumin2 wuye fangg juwei juwei2 jiedao dudao
        "firm":       (403, 403,  403,   200, 403,  403,  403,   200,   200),
        "committee":  (403, 403,  403,   403, 403,  200,  403,   200,   200),
        "supervision": (403, 403, 403,   403, 403,  403,  403,   200,   200),
    }  # fmt: skip
    orgs = {"firm": firm, "committee": committee, "supervision": group}
    failures = []
    for i, username in enumerate(ROLES):
        client = login_client(user(username))
        for row, expected in table.items():
            got = client.get(url, {"org": orgs[row].pk})
            if got.status_code != expected[i]:
                failures.append((row, username, got.status_code))
    assert failures == []
    page = login_client(user("jiedao")).get(url, {"org": firm.pk}).content.decode()
    assert f"inbox-row-{order.pk}" in page and f'id="inbox-{firm.pk}"' in page
    page = login_client(user("jiedao")).get(url, {"org": committee.pk}).content.decode()
    assert f'id="triage-queue-{committee.pk}"' in page
    page = login_client(user("jiedao")).get(url, {"org": group.pk}).content.decode()
    assert f'id="overdue-{group.pk}"' in page
    assert login_client(user("jiedao")).get(url, {"org": "999999"}).status_code == 404
    assert login_client(user("jiedao")).get(url, {"org": "x"}).status_code == 404
    assert login_client(user("jumin")).get(url, {"org": firm.pk}).status_code == 403
