"""Driving the Debian Chromium through Playwright: logging in, waiting for the live socket."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from deliberation.demo.tuanjiehu import DEMO_PASSWORD

from .server import LiveServer

CHROMIUM = os.environ.get("YISHI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def browser_login(browser: Any, server: LiveServer, username: str, *, phone: bool = False) -> Any:
    """A new browser context logged in as ``username``; returns its page."""
    options: dict[str, Any] = {"locale": "zh-CN"}
    if phone:
        options.update(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context = browser.new_context(**options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(f"{server.url}/")
    return page


#: For ``page.wait_for_function(TURNOUT_IS, arg="2")``: a vote page's turnout in heads. A
#: function, not an expression: Playwright re-checks an expression with ``eval`` in the page,
#: which the CSP refuses (it passed only when the first check already held).
TURNOUT_IS = "n => document.querySelector('[data-turnout-heads]')?.textContent === n"


def wait_live(page: Any) -> None:
    """Wait until the page's websocket is open (and has asked to resume)."""
    page.wait_for_selector("#live-status[data-state=open]", timeout=10_000)


def eventually(check: Any, timeout: float = 5.0) -> Any:
    """``check()`` once it stops failing its assertions, or its last failure after
    ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def in_own_thread(work: Callable[[], Any]) -> Any:
    """Run a service as another process would: Playwright's sync API keeps an event loop on
    this thread, where the outbox cannot publish after commit."""
    done: list[Any] = []

    def run() -> None:
        try:
            done.append(work())
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    assert done, "the service did not finish"
    return done[0]
