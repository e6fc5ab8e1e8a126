"""On a phone: upload a hotline export, read the per-row report, confirm, and find it
imported (the import is a job: here the suite runs it in-process at once; its live progress
with a real worker is in tests/jobs/)."""

from __future__ import annotations

import pytest

from deliberation.models import Issue
from tests.channels.hotline_files import good_row, xlsx
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_import_with_progress_bar(browser, live_server_asgi, tmp_path) -> None:
    rows = [good_row(n) for n in range(1, 61)]
    bad = good_row(61, compound="火星小区")
    rows += [bad, good_row(62, ticket="T-2026-000001")]
    path = tmp_path / "12345导出.xlsx"
    path.write_bytes(xlsx(rows))

    page = browser_login(browser, live_server_asgi, "juwei", phone=True)
    assert_accessible(page, "committee's home")
    page.click("text=12345 热线工单导入")
    assert_accessible(page, "upload form")
    page.set_input_files("#id_file", str(path))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#count-valid")
    assert_accessible(page, "preview")
    assert page.inner_text("#count-valid") == "60"
    assert page.inner_text("#count-invalid") == "1"
    assert page.inner_text("#count-duplicate") == "1"
    assert "小区未找到" in page.inner_text("table.import-rows")
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 0

    page.click("button:has-text('确认导入')")
    # the page again, with the job's result and every row's
    page.wait_for_selector("#import-status", timeout=60_000)
    assert "60 条有效记录" in page.inner_text(".messages")
    assert "导入 60 条" in page.inner_text("#import-status")
    assert page.inner_text("#count-imported") == "60"  # the counter agrees with the bar
    assert_accessible(page, "imported")
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 60
    page.context.close()
