"""Where a person meets the forms (issue 15): on a phone, the error summary takes the focus
(also after an htmx post), the character count counts down and over, nothing typed is lost,
the building list follows the compound, and an unbroken text does not widen the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation.models import Building, Compound, Issue
from tests.intake.factories import report
from tests.support.browser import browser_login, eventually

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390


def focused_is_summary(page) -> bool:
    return page.evaluate(
        "() => document.activeElement && document.activeElement.matches('[data-error-summary]')"
    )


def test_report_errors_focus_the_summary_keep_the_text_and_count_down(
    browser, live_server_asgi
) -> None:
    server = live_server_asgi
    page = browser_login(browser, server, "jumin", phone=True)
    page.goto(f"{server.url}{reverse('issue-report')}")
    status = page.locator("#id_description + [data-count-hint] + [data-count-status]")
    assert status.inner_text() == "还可以输入 4000 个字"
    page.fill("#id_description", "楼道灯不亮")
    eventually(lambda: status.inner_text() == "还可以输入 3995 个字")
    assert status.get_attribute("aria-live") == "polite"

    pasted = "x" * 6000  # pasted, not cut: the person sees it is too long
    page.fill("#id_description", pasted)
    eventually(lambda: status.inner_text() == "已超出 2000 个字")
    page.fill("#id_unit_number", "999")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    eventually(lambda: focused_is_summary(page))  # once the page has loaded
    summary = page.locator("[data-error-summary]")
    assert "出现问题" in summary.inner_text()
    assert page.input_value("#id_description") == pasted  # nothing typed is lost
    assert page.input_value("#id_unit_number") == "999"
    summary.locator("a[href='#id_description']").click()
    assert page.evaluate("() => document.activeElement.id") == "id_description"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH


def test_an_unbroken_text_wraps_on_a_phone(browser, live_server_asgi) -> None:
    server = live_server_asgi
    issue = report("短")
    Issue.objects.filter(pk=issue.pk).update(description="长" * 10 + "x" * 6000)
    page = browser_login(browser, server, "jumin", phone=True)
    page.goto(f"{server.url}{reverse('issue-detail', args=[issue.pk])}")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH
    juwei = browser_login(browser, server, "juwei", phone=True)
    for url in (reverse("issue-detail", args=[issue.pk]), reverse("inbox"), reverse("issue-list")):
        juwei.goto(f"{server.url}{url}")
        assert juwei.evaluate("() => document.documentElement.scrollWidth") <= PHONE_WIDTH, url


def test_htmx_form_error_focuses_its_summary(browser, live_server_asgi) -> None:
    server = live_server_asgi
    page = browser_login(browser, server, "wuye", phone=True)
    compound = Compound.objects.get(name="团结公寓")
    page.goto(f"{server.url}{reverse('compound-detail', args=[compound.pk])}")
    body = "明日停水" + "。" * 4000  # over the limit: only the server can say so
    form = f"#compound-announce-{compound.pk}"
    page.click(f"details:has({form}) > summary")
    page.fill(f"{form} #id_announce-title", "停水通知")
    page.fill(f"{form} #id_announce-body", body)
    page.click(f"{form} button[type=submit]")
    # htmx swaps in the 400 answer (it drops 4xx by default) and its summary takes the focus.
    page.wait_for_selector(f"{form} [data-error-summary]")
    eventually(lambda: focused_is_summary(page))
    assert page.input_value(f"{form} #id_announce-body") == body
    assert page.input_value(f"{form} #id_announce-title") == "停水通知"


def test_building_list_follows_the_chosen_compound(browser, live_server_asgi) -> None:
    server = live_server_asgi
    page = browser_login(browser, server, "juwei")
    page.goto(f"{server.url}{reverse('issue-enter')}")
    compounds = page.locator("#id_compound option").evaluate_all("os => os.map(o => o.value)")
    assert len(compounds) > 1
    # Some of the subdistrict's management units are recorded without their buildings.
    with_buildings = {str(pk) for pk in Building.objects.values_list("compound_id", flat=True)}
    assert with_buildings & set(compounds)
    for value in compounds:
        page.select_option("#id_compound", value)
        offered = page.locator("#id_building option:not([disabled])").evaluate_all(
            "os => os.filter(o => o.value).map(o => o.dataset.compound)"
        )
        assert set(offered) <= {value}  # never another compound's building
        assert bool(offered) == (value in with_buildings)
