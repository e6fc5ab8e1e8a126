"""Role × page table: the issue page (and its staff part), the work order page, the inbox."""

from __future__ import annotations

from django.urls import reverse

from tests.conftest import login_client
from tests.intake.factories import dispatched, user

ROLES = ["jumin", "yeweihui", "jumin2", "wuye", "fangguan", "juwei", "juwei2", "jiedao", "dudao"]


def test_page_table(demo) -> None:
    issue, order = dispatched()
    issue_url = reverse("issue-detail", args=[issue.pk])
    order_url = reverse("work-order-detail", args=[order.pk])
    table = {
        #                   jumin yewei jumin2 wuye fangg juwei juwei2 jiedao dudao
        "issue page":       (200, 200,  403,   200, 403,  200,  403,   200,   200),
        "staff record":     (0,   1,    0,     1,   0,    1,    0,     1,     1),
        "work order page":  (403, 200,  403,   200, 403,  200,  403,   200,   200),
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
