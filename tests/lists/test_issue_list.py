"""The issues list scales: search, filters, "my reports" and pages, never more than the
policy shows (issue 11 §5)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation.lists import PAGE_SIZE
from deliberation.models import Compound, Issue, IssueCategory
from tests.intake.factories import dispatched, report, tuanjie, user
from tests.support.clients import login_client


def rows(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'id="issue-row-(\d+)"', page)]


def get(username: str, query: str = "") -> tuple[int, str]:
    response = login_client(user(username)).get(reverse("issue-list") + query)
    return response.status_code, response.content.decode()


def test_search_finds_words_of_the_description_and_the_number(demo) -> None:
    lamp = report("三单元甲乙丙灯不亮")
    report("垃圾没有清运")
    status, page = get("juwei", "?q=甲乙丙灯")
    assert status == 200 and lamp.pk in rows(page) and len(rows(page)) == 1
    assert rows(get("juwei", f"?q=%23{lamp.pk}")[1]) == [lamp.pk]


def test_my_reports_shows_only_the_residents_own(demo) -> None:
    mine = report("我的诉求")
    neighbour = report("邻居的诉求", username="juwei")  # same compound, visible to jumin
    assert {mine.pk, neighbour.pk} <= set(rows(get("jumin")[1]))
    status, page = get("jumin", "?mine=1")
    assert status == 200 and mine.pk in rows(page) and neighbour.pk not in rows(page)
    assert 'href="?mine=1"' in get("jumin")[1]  # the way in, from the list
    assert f'href="{reverse("issue-list")}?mine=1"' in page  # and from the menu


def test_status_category_party_compound_and_dates_narrow(demo) -> None:
    issue, order = dispatched("丁戊己漏水")
    other = report("丁戊己噪音")
    both = {issue.pk, other.pk}
    firm = tuanjie().property_provider_id
    committee = tuanjie().community.residents_committee_id

    def shown(query: str) -> set[int]:
        status, page = get("juwei", "?q=丁戊己&" + query)
        assert status == 200, query
        return set(rows(page))

    assert shown("") == both
    assert shown("status=dispatched") == {issue.pk}
    assert shown("status=new") == {other.pk}
    assert shown(f"party={firm}") == {issue.pk}
    assert shown(f"party={committee}") == set()
    repair = IssueCategory.objects.get(code="repair").pk
    assert shown(f"category={repair}") == both
    assert shown(f"compound={tuanjie().pk}") == both
    today = timezone.localdate()
    assert shown(f"since={today}&until={today}") == both
    Issue.objects.filter(pk=other.pk).update(created_at=timezone.now() - timedelta(days=9))
    assert shown(f"since={today}") == {issue.pk}
    assert shown(f"until={today - timedelta(days=1)}") == {other.pk}


def test_filters_never_widen_what_the_policy_shows(demo) -> None:
    """A resident asking for another compound's issues gets the choice refused, not them."""
    elsewhere = Compound.objects.get(name="轻工宿舍")
    theirs = report("别处的诉求", username="jumin2", compound=elsewhere)
    status, page = get("jumin", f"?compound={elsewhere.pk}")
    assert status == 400 and theirs.pk not in rows(page)
    assert theirs.pk not in rows(get("jumin", f"?q=别处&q=%23{theirs.pk}")[1])
    assert theirs.pk not in rows(get("jumin", f"?q=%23{theirs.pk}")[1])


def test_bad_filters_are_a_400_with_the_message_at_the_field(demo) -> None:
    status, page = get("juwei", "?status=nonsense&since=2026-13-45")
    assert status == 400
    assert 'class="error-summary' in page or "errorlist" in page
    status, page = get("juwei", "?since=2026-05-02&until=2026-05-01")
    assert status == 400 and "errorlist" in page
    status, _ = get("juwei", "?q=" + "长" * 101)
    assert status == 400


def test_pages_keep_the_filters(demo) -> None:
    for i in range(PAGE_SIZE + 3):
        report(f"翻页{i}")
    status, first = get("juwei", "?q=翻页")
    assert status == 200 and len(rows(first)) == PAGE_SIZE
    assert 'href="?q=%E7%BF%BB%E9%A1%B5&amp;page=2"' in first
    status, second = get("juwei", "?q=翻页&page=2")
    assert status == 200 and len(rows(second)) == 3
    assert not set(rows(first)) & set(rows(second))
    assert 'role="status"' in first
    # A page past the end or not a number shows a real page, not an error.
    assert get("juwei", "?q=翻页&page=99")[0] == 200
    assert rows(get("juwei", "?q=翻页&page=x")[1]) == rows(first)
