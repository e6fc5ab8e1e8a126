"""The work orders list: every order the user may open (not only the open ones of the
inbox), searched, filtered and paged; never one the policy hides."""

from __future__ import annotations

import re

from django.urls import reverse

from deliberation import policy
from deliberation.lists import PAGE_SIZE
from deliberation.models import Compound, Organization, WorkOrder
from tests.hardening.budgets import grow_inbox
from tests.intake.factories import completed, dispatched, tuanjie, user
from tests.support.clients import login_client


def shown(username: str, query: str = "", status: int = 200) -> set[int]:
    response = login_client(user(username)).get(reverse("work-order-list") + query)
    assert response.status_code == status, (query, response.status_code)
    return {int(n) for n in re.findall(r'id="work-order-row-(\d+)"', response.content.decode())}


def test_the_list_is_exactly_what_each_person_may_open(demo) -> None:
    dispatched("甲乙派单")
    completed("甲乙完工")
    orders = list(WorkOrder.objects.select_related("issue").prefetch_related("co_operating"))
    for username in ("wuye", "juwei", "yeweihui", "jiedao", "dudao", "shuji"):
        who = user(username)
        may = {o.pk for o in orders if policy.can(who, "work_order.view", o)}
        seen: set[int] = set()
        for page in range(1, len(orders) // PAGE_SIZE + 2):
            seen |= shown(username, f"?page={page}")
        assert seen == may, username


def test_residents_are_sent_to_their_issues(demo) -> None:
    response = login_client(user("jumin")).get(reverse("work-order-list"))
    assert response.status_code == 302 and response["Location"] == reverse("issue-list")


def test_filters_narrow_and_finished_orders_stay_findable(demo) -> None:
    _, open_order = dispatched("丙丁派单")
    _, done = completed("丙丁完工")
    assert shown("wuye", "?q=丙丁") == {open_order.pk, done.pk}
    assert shown("wuye", "?q=丙丁&status=completed") == {done.pk}
    assert shown("wuye", "?q=丙丁&mine=1") == {open_order.pk, done.pk}
    assert shown("juwei", "?q=丙丁&mine=1") == set()  # the committee dispatched, the firm does
    firm = tuanjie().property_provider_id
    assert shown("juwei", f"?q=丙丁&party={firm}") == {open_order.pk, done.pk}
    other = Organization.objects.filter(kind="property_rights_unit").first()
    assert shown("juwei", f"?q=丙丁&party={other.pk}") == set()
    assert shown("juwei", f"?q=丙丁&compound={tuanjie().pk}") == {open_order.pk, done.pk}
    WorkOrder.objects.filter(pk=open_order.pk).update(is_overdue=True)
    assert shown("juwei", "?q=丙丁&overdue=1") == {open_order.pk}
    elsewhere = Compound.objects.get(name="轻工宿舍")
    assert shown("wuye", f"?compound={elsewhere.pk}", status=400) <= shown("wuye")


def test_pages(demo) -> None:
    grow_inbox(demo, PAGE_SIZE + 4)
    first, second = shown("wuye", "?status=dispatched"), shown("wuye", "?status=dispatched&page=2")
    assert len(first) == PAGE_SIZE and len(second) >= 4 and not first & second
