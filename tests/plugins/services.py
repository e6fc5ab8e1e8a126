"""Real PostgreSQL and Redis servers for the test suite, started and stopped by the suite.

Loaded with ``-p tests.plugins.services`` so it runs before pytest-django reads the
settings: it starts both servers on free loopback ports and points ``DATABASE_URL`` and
``REDIS_URL`` at them. A missing binary is an error, never a skip (CI must not go green
without the real services). ``YISHI_TEST_EXTERNAL=1`` uses servers given in the environment.

Under pytest-xdist (``make test`` runs one worker per core) every worker loads this plugin. The
workers share the controller's PostgreSQL (pytest-django gives each its own test database,
``test_yishi_gw0``...), found through ``YISHI_TEST_SHARED_DATABASE_URL`` in the environment
they inherit; each worker starts its own Redis, because tests stop and restart Redis to
prove the outage paths, and one worker's outage must not land in the other's tests.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest


class ServiceError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise ServiceError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


def postgres_bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    found = candidates[0] if candidates else shutil.which(name)
    if not found:
        raise ServiceError(f"PostgreSQL's {name} was not found: run `make system-deps`.")
    return found


class PostgresServer:
    """A throwaway cluster in a temporary directory, tuned for speed, not durability."""

    def __init__(self) -> None:
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="yishi-pg-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else list(cmd)
        subprocess.run(full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            postgres_bin("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        opts = (
            f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run(
            postgres_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            opts,
            "-w",
            "-l",
            str(self.dir / "log"),
            "start",
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/yishi"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run(postgres_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


class SharedPostgres:
    """The controller's server as a worker sees it: used, never stopped, by the worker."""

    def __init__(self, url: str) -> None:
        self.url = url

    def stop(self) -> None:
        pass


class RedisServer:
    """A Redis server that tests may stop and start again on the same port."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if not binary:
            raise ServiceError("redis-server was not found: run `make system-deps`.")
        self.binary = binary
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        self.proc = None

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


SERVERS: dict[str, object] = {}

# Set by the process that started PostgreSQL, read by the xdist workers it spawns.
SHARED_DATABASE_URL = "YISHI_TEST_SHARED_DATABASE_URL"

# The seeded database every test database of the run is copied from (tests/support/template.py),
# named by the process that starts the suite: its workers share it, and a server given in the
# environment never hands a run an older run's template.
TEMPLATE_NAME = "YISHI_TEST_TEMPLATE"


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(
    early_config: pytest.Config, parser: object, args: list[str]
) -> None:
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        os.environ[TEMPLATE_NAME] = f"yishi_template_{uuid.uuid4().hex[:12]}"
    if os.environ.get("YISHI_TEST_EXTERNAL") == "1":
        return
    if any(a in ("--help", "-h", "--version") for a in args):
        return
    shared = os.environ.get(SHARED_DATABASE_URL) if os.environ.get("PYTEST_XDIST_WORKER") else None
    pg: PostgresServer | SharedPostgres
    try:
        if shared:
            pg = SharedPostgres(shared)
        else:
            pg = PostgresServer()
            pg.start()
            os.environ[SHARED_DATABASE_URL] = pg.url
        SERVERS["postgres"] = pg
        redis = RedisServer()
        redis.start()
        SERVERS["redis"] = redis
    except (ServiceError, subprocess.CalledProcessError) as exc:
        stop_all()
        detail = getattr(exc, "stderr", b"") or b""
        raise pytest.UsageError(f"cannot start the test services: {exc} {detail!r}") from exc
    os.environ["DATABASE_URL"] = pg.url
    os.environ["REDIS_URL"] = redis.url
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("AXES_ENABLED", "0")
    os.environ.setdefault("YISHI_TEST_FAST_HASHER", "1")
    os.environ.setdefault("YISHI_JOBS_EAGER", "1")  # real workers only in the tests about them


def stop_all() -> None:
    for server in list(SERVERS.values()):
        server.stop()  # type: ignore[attr-defined]
    SERVERS.clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    stop_all()


@pytest.fixture(scope="session")
def redis_server() -> RedisServer:
    server = SERVERS.get("redis")
    if not isinstance(server, RedisServer):
        pytest.fail("the suite's Redis server is not running (YISHI_TEST_EXTERNAL?)")
    return server


@pytest.fixture(scope="session")
def postgres_server() -> PostgresServer | SharedPostgres:
    server = SERVERS.get("postgres")
    if not isinstance(server, PostgresServer | SharedPostgres):
        pytest.fail("the suite's PostgreSQL server is not running (YISHI_TEST_EXTERNAL?)")
    return server
