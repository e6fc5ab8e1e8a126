"""Shared fixtures: the demo world, logged-in clients, websocket and browser helpers."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test import Client

from deliberation.demo.tuanjiehu import DEMO_PASSWORD, seed
from deliberation.models import Compound, User
from tests.plugins.services import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups (``--dist loadgroup``)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist (``make test``) the browser tests take turns on one worker: two Chromiums
    and their Daphnes at once on two cores would only push both towards their timeouts."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))


@dataclass
class Demo:
    """The seeded Tuanjiehu world, with handy names for its people and places."""

    def user(self, username: str) -> User:
        return User.objects.get(username=username)

    def compound(self, name: str) -> Compound:
        return Compound.objects.get(name=name)

    @property
    def tuanjie(self) -> Compound:
        return self.compound("团结公寓")

    @property
    def qinggong(self) -> Compound:
        return self.compound("轻工宿舍")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Seed the demo once for the session. pytest-django runs every ``db`` test (each in a
    rolled-back transaction) before the transactional ones that flush the tables, so most
    tests find the world already there."""
    with django_db_blocker.unblock():
        seed()


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings: Any) -> None:
    """Every test counts requests afresh (the counters live in the suite's shared Redis)."""
    settings.RATE_LIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}"


@pytest.fixture
def demo(db: None) -> Demo:
    if not Compound.objects.filter(name="团结公寓").exists():  # flushed by a transactional test
        seed()
    return Demo()


@pytest.fixture
def tdemo(transactional_db: None) -> Demo:
    """The demo world committed for real: for websocket, live-server and browser tests."""
    seed()
    return Demo()


def login_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Any:
    return login_client


# A browser's handshake from a page of http://localhost: the Origin must match the Host
# exactly (project/websocket_origin.py).
SAME_ORIGIN = [(b"host", b"localhost"), (b"origin", b"http://localhost")]


def ws_headers(client: Client) -> list[tuple[bytes, bytes]]:
    sid = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={sid}".encode()), *SAME_ORIGIN]


def communicator(client: Client | None, path: str) -> WebsocketCommunicator:
    from project.asgi import application

    headers = ws_headers(client) if client is not None else list(SAME_ORIGIN)
    return WebsocketCommunicator(application, path, headers=headers)


# --- a real ASGI server (Daphne) for browser tests -------------------------------------------


class LiveServer:
    """Daphne in a subprocess, on the test database and the suite's Redis; restartable.
    ``env`` overrides the environment (e.g. ``DEBUG=0`` for the production path)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.env = env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": _test_database_url(),
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **self.env,
        }
        (ROOT / "var").mkdir(exist_ok=True)
        with open(ROOT / "var" / f"daphne-{self.port}.log", "ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "daphne",
                    "-b",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "project.asgi:application",
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=30)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proc = None


@pytest.fixture
def live_server_asgi(tdemo: Demo) -> Iterator[LiveServer]:
    server = LiveServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _test_database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


# --- Playwright on the Debian chromium ---------------------------------------------------------

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


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an event loop running on this thread,
    which would break ``async_to_sync`` in the websocket tests that follow."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs a loop
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield b
            b.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


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


def wait_live(page: Any) -> None:
    """Wait until the page's websocket is open (and has asked to resume)."""
    page.wait_for_selector("#live-status[data-state=open]", timeout=10_000)


def eventually(check: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
