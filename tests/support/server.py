"""A real ASGI server (Daphne in a subprocess) on the test database and the suite's Redis."""

from __future__ import annotations

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

    def start(self) -> None:
        env = {
            **os.environ,
            "DATABASE_URL": suite_database_url(),
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
        """SIGTERM, then SIGKILL after a second. A request still in flight when the server
        stops (a browser page left open) keeps Daphne from ever exiting on its own: its
        sync-view thread waits on an event loop that has already stopped, and Python's exit
        joins that thread. Waiting for it cost every browser test 10 s of teardown."""
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
