"""Assisted participation (issue 11 §3): the residents' committee enters the rating a
reporter gave in person or by phone; the timeline says who entered it for whom — the
organization for everyone who sees the issue, the names for the parties only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import IssueActivity, WorkOrder
from tests.hardening.actions.work_orders import verified

pytestmark = pytest.mark.django_db

DATA = {
    "rate_for_reporter-fixed": "yes",
    "rate_for_reporter-rating": "satisfied",
    "rate_for_reporter-comment": "电话里说修好了",
}


def test_the_committee_rates_for_the_reporter_and_the_timeline_says_so(demo: Any) -> None:
    order = verified(demo)
    juwei = Client()
    juwei.force_login(demo.user("juwei"))
    page = juwei.get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert f'id="work_order-rate_for_reporter-{order.pk}"' in page
    answer = juwei.post(reverse("action", args=["work_order", order.pk, "rate_for_reporter"]), DATA)
    assert answer.status_code == 302
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CLOSED and order.rating == "satisfied"
    note = IssueActivity.objects.filter(issue=order.issue, kind="note").latest("pk")
    assert "团结湖中路社区居委会" in note.public_text
    juwei_name = str(demo.user("juwei"))
    reporter_name = str(order.issue.reporter)
    assert juwei_name in note.staff_note and reporter_name in note.staff_note

    reporter = Client()
    reporter.force_login(order.issue.reporter)
    issue_page = reporter.get(reverse("issue-detail", args=[order.issue_id])).content.decode()
    assert "团结湖中路社区居委会" in issue_page  # the reporter reads who entered it
    assert juwei_name not in issue_page  # the staff member's name is for the parties


def test_the_firm_may_not_rate_for_the_reporter(demo: Any) -> None:
    order = verified(demo)
    wuye = Client()
    wuye.force_login(demo.user("wuye"))
    answer = wuye.post(reverse("action", args=["work_order", order.pk, "rate_for_reporter"]), DATA)
    assert answer.status_code == 403
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.VERIFIED
