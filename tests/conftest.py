"""Shared fixtures: the demo world, logged-in clients, a live ASGI server and a browser.

Helpers a test imports live in ``tests.support`` (one copy each); this module only defines
fixtures, which pytest finds here by itself.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _pytest.nodeid import NodeId
from django.test import TransactionTestCase

from deliberation.demo.tuanjiehu import seed
from deliberation.models import Compound
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support.clients import login_client
from tests.support.demo import Demo
from tests.support.production import collect_static, production_env
from tests.support.server import LiveServer
from tests.support.shared import run_wide_folder
from tests.support.snapshot import (
    adopt,
    intact,
    restore,
    restoring_teardown,
    take,
    written,
)
from tests.support.template import clone_seeded_template, drop_template

#: Modules whose tests take longest (seconds, ``--durations`` of a CI run), started first: a
#: worker that starts a 100-second test when the other has nothing left leaves a core idle
#: for as long. pytest-django puts the tests that use no database (the benchmark's among
#: them) last, where they were exactly that.
SLOW_FIRST = (
    "tests/bench/test_quick.py",  # ~110 s: `python -m bench --quick`
    "tests/deploy/test_cluster.py",  # ~40 s setup: two Daphnes, nginx, Celery
    "tests/bench/test_district.py",  # ~60 s: a district seeded twice with COPY
    "tests/project/test_sqlite_concurrency.py",  # ~25 s
    "tests/project/test_embedded_mode.py",  # ~17 s
)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(
    config: pytest.Config, items: list[pytest.Item]
) -> Iterator[None]:
    """Before the other plugins (xdist reads the groups, ``--dist loadgroup``): under xdist
    (``make test``) the browser tests take turns on one worker: two Chromiums and their
    Daphnes at once on two cores would only push both towards their timeouts. Except those
    marked ``browser(shared_out=True)``: the axe walks, one per role, which wait for no live
    update and would otherwise be one 150-second stretch of that one worker's turn.

    After them (pytest-django's order: db, transactional, no database): the slowest modules
    first (``SLOW_FIRST``), each in its own order, the rest as they were. Under loadgroup a
    group goes out whole, the largest first (the browser tests), every other test in this
    order."""
    if config.pluginmanager.hasplugin("xdist"):
        for item in items:
            marker = item.get_closest_marker("browser")
            if marker and not marker.kwargs.get("shared_out"):
                item.add_marker(pytest.mark.xdist_group("browser"))
    yield
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _tell_apart_same_ids(items)
    if getattr(config.option, "loadgroup", False):  # an xdist worker of --dist loadgroup
        for item in items:
            _name_its_group(item)
    first = {path: rank for rank, path in enumerate(SLOW_FIRST)}
    items.sort(key=lambda item: first.get(item.nodeid.split("::")[0], len(first)))


def _tell_apart_same_ids(items: list[pytest.Item]) -> None:
    """Schemathesis gives its tests, one per API operation, one id (``test_schema.py::
    test_the_api_keeps_its_schema``, 37 times); the xdist scheduler keys tests by id, so it
    ran only the first and 36 went unrun, unreported. Each gets its name (the operation)."""
    seen = Counter(item.nodeid for item in items)
    for item in items:
        if seen[item.nodeid] > 1:
            parent = item.nodeid.rpartition("::")[0]
            item._id = NodeId.parse(f"{parent}::{item.name}")  # type: ignore[attr-defined]


def _name_its_group(item: pytest.Item) -> None:
    """What pytest-xdist 3.8 does for ``--dist loadgroup``, for pytest 9: it suffixes the
    test's id with its group (``...::test@browser``), the scheduler's unit of work, by
    setting ``item._nodeid``, which pytest 9 no longer reads (the id is ``item._id``). Without
    this every test was a group of its own: the browser tests ran on both workers at once."""
    groups = sorted(
        {
            str(m.args[0] if m.args else m.kwargs.get("name", "default"))
            for m in item.iter_markers("xdist_group")
        }
    )
    if groups and "@" not in item.nodeid.rpartition("]")[2]:
        item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, django_db_blocker: Any
) -> None:
    """Before pytest-django sets the test database up: make it a copy of the run's migrated
    and seeded template (``tests.support.template``), which it then finds migrated."""
    with django_db_blocker.unblock():
        cloned.append(clone_seeded_template())


#: Whether this process's test database was copied from the template (``clone_seeded_template``).
cloned: list[bool] = []


@pytest.fixture(scope="session")
def django_db_keepdb(request: pytest.FixtureRequest, django_db_modify_db_settings: None) -> bool:
    """Keep the copy of the template (pytest-django would create an empty database instead);
    ``--create-db`` still starts from an empty one, seeded below."""
    return bool(cloned and cloned[0]) or bool(request.config.getvalue("reuse_db"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A server given in the environment outlives the run: not its template."""
    if os.environ.get("YISHI_TEST_EXTERNAL") == "1" and not os.environ.get("PYTEST_XDIST_WORKER"):
        drop_template()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """The demo world, seeded once for the run in the template every test database is copied
    from. pytest-django runs every ``db`` test (each in a rolled-back transaction) before the
    transactional ones that flush the tables, so most tests find the world already there; a
    copy of it is kept for the tests that need it back (``tests.support.snapshot``). A
    database not copied from the template (SQLite, ``--create-db``) is seeded here."""
    with django_db_blocker.unblock():
        if not adopt():
            seed()
            take()


@pytest.fixture(scope="session", autouse=True)
def _transactional_tests_leave_the_world() -> Iterator[None]:
    """A transactional test's teardown puts the demo copy back instead of flushing the
    tables (``tests.support.snapshot.restoring_teardown``): the next one starts from it."""
    flush = TransactionTestCase._fixture_teardown
    TransactionTestCase._fixture_teardown = restoring_teardown(flush)  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = flush  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings: Any) -> None:
    """Every test counts requests afresh (the counters live in the suite's shared Redis)."""
    settings.RATE_LIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}"


@pytest.fixture(scope="session")
def _outbound_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("outbound")


@pytest.fixture(autouse=True)
def _recording_outbound(settings: Any, _outbound_base: Path) -> None:
    """Every e-mail, SMS and WeChat message goes to the recording fake, in a folder of the
    test's own (``deliberation.outbound.recording``; pass it on to worker processes)."""
    settings.YISHI_OUTBOUND = dict.fromkeys(
        ("email", "sms", "wechat"), "deliberation.outbound.recording.RecordingSender"
    )
    settings.YISHI_OUTBOUND_RECORD_DIR = str(_outbound_base / uuid.uuid4().hex)


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``collectstatic`` with the production storage, once in the run for the tests that run
    ``DEBUG=0`` servers (it compresses every file: ~30 s of CPU), by the first xdist worker
    to need it while the other waits (``run_wide_folder``) instead of collecting its own."""
    with run_wide_folder(tmp_path_factory, "production") as root:
        if not (root / "static" / "staticfiles.json").exists():
            collect_static(production_env(root / "static", root / "var"))
    return root / "static"


@pytest.fixture
def demo(db: None) -> Demo:
    flushed = not Compound.objects.filter(name="团结公寓").exists()  # by a transactional test
    if flushed and not restore():
        seed()
    return Demo()


@pytest.fixture
def tdemo(request: pytest.FixtureRequest, transactional_db: None) -> Demo:
    """The demo world committed for real: for websocket, live-server and browser tests.
    Put back from the copy taken after the session's seed, unless the last transactional
    test's teardown already did and nothing wrote since; seeded only while there is no copy.
    (A session convened right after tests/project/test_demo_snapshot.py's flush used to
    lose its compounds: the copy put back did not move the many-to-many tables' sequences
    past their rows, and their inserts ignore conflicts. ``restore`` now moves every one.)"""
    marker = request.node.get_closest_marker("django_db")
    sequences_reset = bool(marker and marker.kwargs.get("reset_sequences"))
    if not ((intact() and not sequences_reset) or restore()):
        seed()
    written()
    return Demo()


@pytest.fixture
def axes_on(settings: Any) -> Any:
    """The login throttle on, as in production (the suite turns it off elsewhere)."""
    settings.AXES_ENABLED = True
    return settings


@pytest.fixture
def client_for() -> Any:
    return login_client


@pytest.fixture
def live_server_asgi(tdemo: Demo) -> Iterator[LiveServer]:
    server = LiveServer()
    server.start(ahead=True)
    try:
        yield server
    finally:
        server.stop()


# --- Playwright on the Debian chromium ---------------------------------------------------------


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
