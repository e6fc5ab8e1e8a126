"""The published API docs (Swagger UI from our own static files) work under our
Content-Security-Policy: the operations are drawn and the page logs no CSP violation."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def test_the_docs_page_draws_the_schema_under_the_csp(browser: Any, live_server_asgi: Any) -> None:
    problems: list[str] = []
    context = browser.new_context()
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    response = page.goto(f"{live_server_asgi.url}/api/v1/docs")
    assert response is not None and response.status == 200
    assert "unsafe" not in response.headers.get("content-security-policy", "")
    page.wait_for_selector("#operations-actions-work_order_action")
    assert page.locator(".opblock").count() > 30
    assert page.evaluate("window.__csp") == []
    assert problems == []
    context.close()
