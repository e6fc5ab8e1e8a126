"""The public pages in a browser, as a visitor without an account on a phone (issue 11 §4):
from the subdistrict's list to a compound's page, the guide, and an issue's status opened
from its link (as its QR code would). axe on every page, in Chinese and English."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.selectors.public_status import status_token
from tests.intake.factories import report
from tests.support.axe import assert_accessible
from tests.support.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}


def test_a_visitor_without_an_account_reads_the_public_pages_on_a_phone(
    browser: Any, live_server_asgi: Any, tdemo: Demo
) -> None:
    tuanjie = tdemo.tuanjie
    issue = report("单元门禁坏了")
    for locale in ("zh-CN", "en-US"):
        context = browser.new_context(locale=locale, **PHONE)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server_asgi.url}/public/")
        assert_accessible(page, f"subdistrict {locale}")
        page.locator("#public-by-category a", has_text="团结公寓").click()
        page.wait_for_url(f"**/public/compounds/{tuanjie.pk}/")
        assert page.locator("#public-directory", has_text="010-6500 1001").is_visible()
        assert_accessible(page, f"compound {locale}")
        page.goto(f"{live_server_asgi.url}/public/communities/{tuanjie.community_id}/")
        assert_accessible(page, f"community {locale}")
        page.goto(f"{live_server_asgi.url}/public/how-to/")
        assert_accessible(page, f"guide {locale}")
        page.goto(f"{live_server_asgi.url}/public/issues/{status_token(issue)}/")
        assert page.locator("#public-issue-status [data-status=new]").is_visible()
        assert_accessible(page, f"issue status {locale}")
        context.close()
