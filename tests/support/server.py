"""A real ASGI server (Daphne in a subprocess) on the test database and the suite's Redis."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys

from django.db import connection

from tests.plugins.services import free_port, wait_for_port

from .paths import ROOT


def suite_database_url() -> str:
    """The test database, for a process of its own (Daphne, a management command)."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


#: How long a stopping Daphne gets to exit by itself before it is killed.
STOP_GRACE_SECONDS = 1.0


class LiveServer:
    """Daphne in a subprocess, on the test database and the suite's Redis; restartable.
    ``env`` overrides the environment (e.g. ``DEBUG=0`` for the production path)."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.env = env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def environment(self) -> dict[str, str]:
        """The suite's environment and this server's, without pytest's name of the current
        test (a server started ahead serves the next one)."""
        inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
        return {
            **inherited,
            "DATABASE_URL": suite_database_url(),
            "DEBUG": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            **self.env,
        }

    def start(self, *, ahead: bool = False) -> None:
        """Serve on ``self.port``. ``ahead``: on whatever port the server started ahead for
        this environment listens (``self.port`` and ``self.url`` follow it), then start the
        next one ahead: a start is ~2 s of imports, paid while the test runs instead of
        before it. Nothing in a server reads the database before its first request."""
        env = self.environment()
        spare = _spares.take(env) if ahead else None
        if spare is not None:
            self.proc, self.port = spare
            self.url = f"http://127.0.0.1:{self.port}"
        else:
            self.proc = _daphne(env, self.port)
        wait_for_port(self.port, timeout=30)
        if ahead:
            _spares.launch(env)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a second. A request still in flight when the server
        stops (a browser page left open) keeps Daphne from ever exiting on its own: its
        sync-view thread waits on an event loop that has already stopped, and Python's exit
        joins that thread. Waiting for it cost every browser test 10 s of teardown."""
        if self.proc is None:
            return
        _stop(self.proc)
        self.proc = None


def _daphne(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    (ROOT / "var").mkdir(exist_ok=True)
    with open(ROOT / "var" / f"daphne-{port}.log", "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
            + ["project.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


class _Spares:
    """At most one Daphne started ahead, for the environment it was started with."""

    def __init__(self) -> None:
        self.spare: tuple[dict[str, str], subprocess.Popen[bytes], int] | None = None
        atexit.register(self.discard)

    def take(self, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int] | None:
        spare, self.spare = self.spare, None
        if spare is None:
            return None
        spare_env, proc, port = spare
        if spare_env == env and proc.poll() is None:
            return proc, port
        _stop(proc)
        return None

    def launch(self, env: dict[str, str]) -> None:
        self.discard()
        port = free_port()
        self.spare = (env, _daphne(env, port), port)

    def discard(self) -> None:
        if self.spare is not None:
            _stop(self.spare[1])
            self.spare = None


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


_spares = _Spares()
