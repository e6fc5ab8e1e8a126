"""axe-core on the main pages, as each role meets them: in Chinese and English, on a phone
(390×844) and a desktop (1280×800), with no critical or serious violation.

One test per role walks its pages in every language and viewport and reports every
violation at once (one test per role, so that ``make test``'s workers can share them out;
the error pages as deployed are one more). What it repeats costs most, so it repeats only
what differs: the login page (the same for everyone) is checked once per language and
viewport on each server (by the resident's walk and by the error pages' walk); a role logs
in through the form once and its other contexts start from that session; axe is put into
each context once, not sent again with every page.
The journeys in tests/browser check the pages they pass through as well."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.demo.votes import PETITION_TITLE
from deliberation.models import Compound, OwnersVote
from tests.support.axe import axe_source, problems, timing
from tests.support.demo import Demo
from tests.support.server import LiveServer
from tests.support.server import suite_database_url as _test_database_url

# Shared out between the workers, not in the browser tests' one turn (tests/conftest.py).
pytestmark = [pytest.mark.browser(shared_out=True), pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
VIEWPORTS: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
    "desktop": {"viewport": {"width": 1280, "height": 800}},
}


def contexts(browser: Any) -> Iterator[tuple[str, Any]]:
    """A fresh context per language and viewport, labelled for the failure message."""
    for language, locale in LANGUAGES.items():
        for name, options in VIEWPORTS.items():
            context = browser.new_context(locale=locale, **options)
            context.add_init_script(script=axe_source())  # in every page from its start
            try:
                page = context.new_page()
                page.set_default_timeout(10_000)
                yield f"{language}/{name}", page
            finally:
                context.close()


class Walk:
    """Visits pages and collects what axe finds, so one run reports every page's problems."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.found: list[str] = []
        self.login_checked: set[str] = set()  # the language/viewport labels done

    def check(self, page: Any, label: str) -> None:
        if found := problems(page, label):
            self.found.append(found)

    def visit(self, page: Any, path: str, label: str, status: int = 200) -> None:
        response = page.goto(f"{self.server.url}{path}")
        assert response is not None and response.status == status, (label, path, response)
        self.check(page, f"{label} {path}")

    def tour(self, browser: Any, username: str, paths: list[tuple[str, int]]) -> None:
        session: list[dict[str, Any]] = []  # the role's session cookie, once logged in
        for label, page in contexts(browser):
            if session and label in self.login_checked:
                page.context.add_cookies(session)
                response = page.goto(f"{self.server.url}/")
                assert response is not None and response.status == 200, (label, username)
                assert "/accounts/login/" not in page.url, (label, username)
                language = (page.get_attribute("html", "lang") or "").lower()
                assert language[:2] == label[:2], (label, language)  # the context's language
            else:
                self.login(page, label, username)
                cookies = page.context.cookies()
                session[:] = [c for c in cookies if c["name"] == "sessionid"]
                assert session, f"{username}: no session cookie after logging in"
            self.check(page, f"{label} {username}'s home")
            for path, status in paths:
                self.visit(page, path, f"{label} {username}", status)

    def login(self, page: Any, label: str, username: str) -> None:
        """Through the login form; its page is checked the first time in this context's
        language and viewport."""
        if label in self.login_checked:
            page.goto(f"{self.server.url}/accounts/login/")
        else:
            self.visit(page, "/accounts/login/", label)
            self.login_checked.add(label)
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit].primary")
        page.wait_for_url(f"{self.server.url}/")


def build_world() -> dict[str, int]:
    """An issue with an accepted work order and a running session, besides the demo's
    petition vote and 团结公寓."""
    from deliberation.services.work_orders import accept_work_order
    from tests.intake.factories import dispatched, user
    from tests.sessions.helpers import opened

    issue, order = dispatched("楼道灯坏了（无障碍检查）")
    accept_work_order(work_order=order, actor=user("wuye"))
    session = opened(Demo())
    connection.close()
    return {
        "issue": issue.pk,
        "order": order.pk,
        "session": session.pk,
        "vote": OwnersVote.objects.get(title=PETITION_TITLE).pk,
        "compound": Compound.objects.get(name="团结公寓").pk,
    }


#: Each role's pages ({issue}, {order}, ... are filled from ``build_world``), one test per
#: role so that the workers can share them out: walked in every language and viewport.
ROLES: dict[str, list[tuple[str, int]]] = {
    "jumin": [  # a resident
        ("/issues/new/", 200),
        ("/issues/{issue}/", 200),
        ("/issues/", 200),
        ("/compounds/{compound}/", 200),
        ("/compounds/{compound}/votes/", 200),
        ("/votes/{vote}/", 200),
        ("/compounds/{compound}/committee/", 200),
        ("/sessions/{session}/public/", 200),
        ("/public/compounds/{compound}/figures/", 200),
    ],
    "juwei": [  # the residents' committee: triage, supervision, hotline, indicators
        ("/inbox/", 200),
        ("/issues/{issue}/", 200),
        ("/issues/", 200),
        ("/work-orders/{order}/", 200),
        ("/sessions/{session}/", 200),
        ("/hotline/import/", 200),
        ("/indicators/", 200),
        ("/indicators/rates/", 200),
        ("/indicators/classified/", 200),
        ("/indicators/?start=2026-13", 400),
    ],
    "wuye": [  # the property firm
        ("/inbox/", 200),
        ("/work-orders/{order}/", 200),
        ("/compounds/{compound}/", 200),
    ],
    "shuji": [  # the party secretary convenes and chairs
        ("/sessions/", 200),
        ("/sessions/new/", 200),
        ("/sessions/{session}/", 200),
    ],
    "yeweihui": [  # the owners' committee
        ("/votes/{vote}/", 200),
        ("/compounds/{compound}/committee/", 200),
        ("/compounds/{compound}/register/", 200),
        ("/indicators/", 200),
    ],
}

#: The role whose walk also checks the login page (the same page for everyone).
CHECKS_LOGIN = "jumin"


def world() -> dict[str, int]:
    """``build_world`` in a thread of its own, like a request: Playwright's loop runs on
    this one, where the services' live publishing (async_to_sync) cannot."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(build_world).result()


@pytest.mark.parametrize("username", list(ROLES))
def test_every_role_s_pages_pass_axe(browser, live_server_asgi, username: str) -> None:
    w = world()
    walk = Walk(live_server_asgi)
    if username != CHECKS_LOGIN:  # logs in through the form all the same
        walk.login_checked.update(f"{lang}/{view}" for lang in LANGUAGES for view in VIEWPORTS)
    walk.tour(browser, username, [(path.format(**w), status) for path, status in ROLES[username]])
    print(f"axe: {timing}")
    assert not walk.found, "\n".join(walk.found)


def test_error_pages_as_deployed_pass_axe(browser, production_server) -> None:
    """As deployed (DEBUG off): the login page, a page that does not exist, and a page the
    resident may not see (the owner register, linked from her compound page)."""
    w = world()
    errors = Walk(production_server)
    errors.tour(
        browser, "jumin", [("/no-such-page/", 404), (f"/compounds/{w['compound']}/register/", 403)]
    )
    print(f"axe: {timing}")
    assert not errors.found, "\n".join(errors.found)


@pytest.fixture
def production_server(tdemo: Demo, collected_static: Path, tmp_path: Path) -> Iterator[LiveServer]:
    """DEBUG off, as deployed: our own error pages instead of Django's debug pages (plain
    HTTP here, the proxy's part); the suite's one production ``collectstatic``."""
    env = {
        "DEBUG": "0",
        "SECRET_KEY": "axe-test-only-8f2k#Qv2!xLr7@pZ4mWb8^tYc1&Nf6*Hd3(Gs5)Je0-Ua_Io+",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _test_database_url(),
        "STATIC_ROOT": str(collected_static),
        "YISHI_VAR_DIR": str(tmp_path / "var"),
        "SECURE_SSL_REDIRECT": "0",
    }
    server = LiveServer(env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()
