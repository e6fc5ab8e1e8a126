"""The job queue with real processes: two Celery workers and one beat on the suite's Redis.

Each periodic job runs once per tick however many workers take messages, also when a tick's
message arrives three times; a delivery that fails twice is retried with backoff and handed
to the provider once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deliberation import periodic
from deliberation.outbound import recording
from deliberation.tasks.delivery import deliver
from deliberation.tasks.periodic import run_periodic_job
from project.celery import app
from tests.support.workers import (
    celery_processes,
    queue_drained,
    runs_by_job,
    stop,
    wait_for,
    worker_env,
)

TICK = 2  # seconds: every periodic job runs every TICK seconds in this test
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def to_workers() -> Iterator[None]:
    """``.delay()`` in this test goes to the broker (the suite runs tasks eagerly)."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


def test_two_workers_and_beat_run_each_job_once_per_tick_and_deliver_once(
    settings: Any, tmp_path: Path, to_workers: None
) -> None:
    settings.YISHI_JOBS_KEY_PREFIX = f"test-jobs-{uuid.uuid4().hex}"  # this test's run log
    env = worker_env(YISHI_PERIODIC_EVERY=str(TICK))
    commands = [
        [
            "worker",
            "--pool=solo",
            "-n",
            f"w{i}-{uuid.uuid4().hex[:6]}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "INFO",
        ]
        for i in (1, 2)
    ] + [["beat", "-s", str(tmp_path / "beat-schedule"), "-l", "INFO"]]
    recording.fail_next("sms", 2)
    sms = {"channel": "sms", "to": "13800001234", "body": "请评价", "key": "test:rate:1"}
    with celery_processes(commands, env, tmp_path) as procs:
        # a delivery that fails twice, sent twice: retried with backoff, delivered once
        deliver.delay(**sms)
        deliver.delay(**sms)
        # one tick's message three times (a duplicated send, a restarted beat): one run
        for _ in range(3):
            run_periodic_job.delay(name="publish_outbox", tick=7)

        def two_ticks_each_by_both_workers() -> dict[str, list[int]] | None:
            runs = periodic.recent_runs()
            by_job = runs_by_job(runs)
            done = (
                set(periodic.REGISTRY) <= set(by_job)
                and all(len(set(ticks) - {7}) >= 2 for ticks in by_job.values())
                and len({run["by"] for run in runs}) == 2  # both workers took part
            )
            return by_job if done else None

        by_job = wait_for(two_ticks_each_by_both_workers, 90, "two ticks of every job", tmp_path)
        wait_for(
            lambda: [m for m in recording.sent("sms") if m["key"] == "test:rate:1"],
            20,
            "the SMS",
            tmp_path,
        )
        assert all(p.poll() is None for p in procs), "a celery process died"
        stop(procs[-1])  # beat: no new ticks; then every message left is worked off
        wait_for(queue_drained, 30, "the workers to finish every message", tmp_path)
        runs = periodic.recent_runs()
    for job, ticks in by_job.items():
        assert len(ticks) == len(set(ticks)), f"{job} ran twice in a tick: {sorted(ticks)}"
    assert runs_by_job(runs)["publish_outbox"].count(7) == 1
    # (the periodic jobs may send other messages meanwhile: the demo's pending notifications)
    ours = [(m["key"], m["body"]) for m in recording.sent("sms") if m["key"] == "test:rate:1"]
    assert ours == [("test:rate:1", "请评价")]
