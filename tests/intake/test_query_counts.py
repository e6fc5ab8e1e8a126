"""The triage queue, the inboxes and the issue list cost the same queries at 10 and 1,000."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Issue, IssueCategory, WorkOrder
from tests.intake.factories import tuanjie, user
from tests.support.clients import login_client

MAX_QUERIES = 12
#: The inbox's listed sections (deliberation/lists/inbox.py) each cost, beyond their rows,
#: their count and the choices of their two selects (compound, category): fixed.
SECTION_QUERIES = 3
SECTIONS = {"juwei": 4, "wuye": 1, "dudao": 1}  # triage, to verify, extensions, orders; orders


def make_issues(n: int) -> None:
    """Bulk rows (no flows or events needed to measure the pages)."""
    compound = tuanjie()
    firm = compound.property_provider
    category = IssueCategory.objects.get(code="repair")
    reporter = user("jumin")
    now = timezone.now()
    issues = Issue.objects.bulk_create(
        Issue(
            reporter=reporter,
            channel="web",
            description=f"问题{i}",
            compound=compound,
            category=category,
            status="new" if i % 2 else "dispatched",
            responsible=None if i % 2 else firm,
        )
        for i in range(n)
    )
    WorkOrder.objects.bulk_create(
        WorkOrder(
            responsible=firm,
            title=f"工单{i.pk}",
            compound=compound,
            issue=i,
            respond_by=now + timedelta(hours=1),
            resolve_by=now + timedelta(days=1),
        )
        for i in issues
        if i.status == "dispatched"
    )


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("username", "url_name"),
    [("juwei", "inbox"), ("wuye", "inbox"), ("dudao", "inbox"), ("jumin", "issue-list"),
     ("juwei", "issue-list"), ("jiedao", "issue-list")],
)  # fmt: skip
def test_same_queries_at_10_and_1000(demo, username, url_name) -> None:
    client = login_client(user(username))
    url = reverse(url_name)
    make_issues(10)
    small = count(client, url)
    make_issues(990)
    large = count(client, url)
    print(f"QUERIES {username} {url_name}: {small} at 10, {large} at 1000")
    assert small == large, (small, large)
    # the inbox also shows the person's task list: its own budget (the same at 10 and 1,000)
    tasks = count(client, reverse("task-list")) - 2 if url_name == "inbox" else 0
    lists = SECTION_QUERIES * SECTIONS[username] if url_name == "inbox" else 0
    assert large <= MAX_QUERIES + tasks + lists, (large, tasks, lists)
