"""Real Celery workers and beat for the tests about the job queue.

They run as subprocesses against the suite's own Redis (the broker) and PostgreSQL (the test
database this test sees), with the recording fake for outbound messages in the test's own
folder, so whatever they do can be checked from the test.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection

CELERY = str(Path(sys.executable).with_name("celery"))
RECORDING = "deliberation.outbound.recording.RecordingSender"
T = TypeVar("T")


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "YISHI_JOBS_EAGER": "0",
            "YISHI_OUTBOUND_RECORD_DIR": settings.YISHI_OUTBOUND_RECORD_DIR,
            "YISHI_SMS_SENDER": RECORDING,
            "YISHI_EMAIL_SENDER": RECORDING,
            "YISHI_WECHAT_SENDER": RECORDING,
            # the test's WeChat account (if it set one up), so workers send as it does
            "YISHI_SITE_URL": settings.YISHI_SITE_URL,
            "YISHI_WECHAT_APPID": settings.YISHI_WECHAT.get("appid", ""),
            "YISHI_WECHAT_SECRET": settings.YISHI_WECHAT.get("secret", ""),
            "YISHI_WECHAT_CLIENT": "deliberation.outbound.recording.FakeWeChatClient",
            "YISHI_WECHAT_TEMPLATES": json.dumps(settings.YISHI_WECHAT.get("templates", {})),
            "YISHI_JOBS_KEY_PREFIX": settings.YISHI_JOBS_KEY_PREFIX,
            "DEBUG": "1",
            "CELERY_SKIP_CHECKS": "1",  # the suite runs the checks; a worker starts faster
        }
    )
    env.update(extra)
    return env


@contextmanager
def celery_processes(
    commands: list[list[str]], env: dict[str, str], logs: Path
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Start ``celery -A project <command>`` for each command; stop them all at the end
    (a warm shutdown: running tasks finish)."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for i, command in enumerate(commands):
            log = open(logs / f"celery-{i}.log", "wb")  # noqa: SIM115 (closed with the process)
            procs.append(
                subprocess.Popen(
                    [CELERY, "-A", "project", *command],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=settings.BASE_DIR,
                )
            )
        yield procs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def queue_drained() -> bool:
    """No message waits in the default queue and none is held by a worker (a retry waiting
    for its countdown, a task running: Redis keeps them in ``unacked`` until acknowledged)."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        return client.llen("celery") == 0 and client.hlen("unacked") == 0
    finally:
        client.close()


def wait_for(check: Callable[[], T], timeout: float, what: str, logs: Path | None = None) -> T:
    """Poll ``check`` until it returns something true; fail with the workers' logs if not."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    detail = ""
    if logs is not None:
        detail = "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}"
            for p in sorted(logs.glob("*.log"))
        )
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def runs_by_job(runs: list[dict[str, Any]]) -> dict[str, list[int]]:
    """The run log as job -> the ticks it ran for (a tick twice means it ran twice)."""
    by_job: dict[str, list[int]] = {}
    for run in runs:
        by_job.setdefault(run["job"], []).append(run["tick"])
    return by_job
