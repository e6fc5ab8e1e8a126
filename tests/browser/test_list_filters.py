"""A resident on a phone narrows the issues list to their own reports and searches it:
the filters fold open, every control is labelled (axe), the result count is announced,
and the next page keeps the filters."""

from __future__ import annotations

import pytest

from deliberation.lists import PAGE_SIZE
from tests.intake.factories import report
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_finds_their_report_on_a_phone(browser, live_server_asgi) -> None:
    server = live_server_asgi
    for i in range(PAGE_SIZE + 1):
        report(f"壬癸翻页{i}")
    report("壬癸邻居的", username="juwei")
    page = browser_login(browser, server, "jumin", phone=True)
    page.goto(f"{server.url}/issues/")
    page.click("#issues-filters summary")
    assert_accessible(page, "issues list with its filters open")
    page.fill("#id_q", "壬癸")
    page.check("#id_mine")
    page.click("#issues-filter-form button[type=submit]")
    page.wait_for_url("**/issues/?*")
    count = page.locator("#issues-count[role=status]")
    assert f"{PAGE_SIZE + 1}" in count.inner_text()
    assert page.locator("#issues-filters[open]").count() == 1  # the filters stay in view
    assert page.locator("ul.issue-list > li.row").count() == PAGE_SIZE
    page.click("#issues-paging a[rel=next]")
    page.wait_for_url("**page=2*")
    assert page.input_value("#id_q") == "壬癸" and page.is_checked("#id_mine")
    assert page.locator("ul.issue-list > li.row").count() == 1
    assert "邻居" not in page.inner_text("ul.issue-list")
    assert_accessible(page, "second page of my reports")
