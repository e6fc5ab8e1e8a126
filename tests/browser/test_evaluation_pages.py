"""The evaluation's pages in a browser (docs/law.md §9): on a phone, anyone opens the
alliance and a firm's history with its chart; the subdistrict enters an honour in the
firm's ledger through its form. axe on every page, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import EvidenceEntry, Organization
from tests.support.axe import assert_accessible
from tests.support.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


def test_public_results_and_entering_evidence_on_a_phone(
    browser: Any, live_server_asgi: Any, tdemo: Demo
) -> None:
    firm = Organization.objects.get(name="京朝物业服务有限公司（示例）")
    for locale in ("zh-CN", "en-US"):
        context = browser.new_context(locale=locale, **PHONE)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server_asgi.url}/public/evaluations/alliance/")
        assert page.locator(f"#member-{firm.pk}").is_visible()
        assert_accessible(page, f"alliance {locale}")
        page.click(f"#member-{firm.pk} a")
        page.wait_for_url(f"**/public/evaluations/organizations/{firm.pk}/")
        assert page.locator("#history-2026-1").is_visible()
        assert page.locator("svg.chart").is_visible()
        assert_accessible(page, f"history {locale}")
        context.close()

    context = browser.new_context(locale="zh-CN", **PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server_asgi.url}/accounts/login/")
    page.fill("#id_username", "jiedao")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{live_server_asgi.url}/")
    page.goto(f"{live_server_asgi.url}/evaluations/organizations/{firm.pk}/evidence/")
    assert_accessible(page, "ledger")
    form = page.locator(f"#evidence_ledger-record-{firm.pk}")
    form.locator("select[name=record-kind]").select_option("honour")
    form.locator("input[name=record-title]").fill("区级文明小区（浏览器）")
    form.locator("input[name=record-source]").fill("朝阳区文明办")
    form.locator("input[name=record-occurred_on]").fill("2026-10-08")
    form.locator("input[name=record-points]").fill("2")
    form.locator("button[type=submit]").click()
    page.locator("#ledger", has_text="区级文明小区（浏览器）").wait_for()
    assert EvidenceEntry.objects.filter(title="区级文明小区（浏览器）", points=2).exists()
    assert_accessible(page, "ledger after entering")
    context.close()
