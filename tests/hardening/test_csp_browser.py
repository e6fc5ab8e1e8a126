"""The Content-Security-Policy does not break htmx: a staff member posts through an htmx
form, a resident's page receives the live update, and neither page logs a CSP violation."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from tests.support.axe import assert_accessible
from tests.support.browser import wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _page(browser: Any, server: Any, username: str, problems: list[str]) -> Any:
    context = browser.new_context(locale="zh-CN")
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on(
        "console",
        lambda m: (
            problems.append(f"{username}: {m.text}")
            if "Content Security Policy" in m.text or m.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda e: problems.append(f"{username}: {e}"))
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.url}/")
    return page


def test_htmx_and_live_updates_work_under_the_csp(browser, live_server_asgi, tdemo) -> None:
    problems: list[str] = []
    resident = _page(browser, live_server_asgi, "jumin", problems)
    response = resident.goto(f"{live_server_asgi.url}/")
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "unsafe" not in csp
    wait_live(resident)
    assert_accessible(resident, "resident's home")

    staff = _page(browser, live_server_asgi, "wuye", problems)
    staff.goto(f"{live_server_asgi.url}/compounds/{tdemo.tuanjie.pk}/")
    wait_live(staff)
    form = f"#compound-announce-{tdemo.tuanjie.pk}"
    staff.click(f"details:has({form}) > summary")
    staff.fill("#id_announce-title", "CSP 检查")
    staff.fill("#id_announce-body", "htmx 表单与推送")
    staff.click(f"{form} button[type=submit]")
    staff.wait_for_selector(f"#controls-compound-{tdemo.tuanjie.pk} .notice")  # htmx swapped
    assert_accessible(staff, "notice posted")

    resident.locator("section.board").locator("text=CSP 检查").wait_for()
    assert_accessible(resident, "notice arrived live")  # axe itself must not trip the CSP
    violations = resident.evaluate("window.__csp") + staff.evaluate("window.__csp")
    assert not violations, violations
    assert not problems, problems
    resident.context.close()
    staff.context.close()
