"""The job queue's rules without worker processes (tasks run in this process, as under
``make run``): a tick runs once, beat's schedule is the registry, deliveries retry and are
sent once per key."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from celery.schedules import crontab
from django.core.management import call_command

from deliberation import periodic
from deliberation.outbound import DeliveryRefused, recording
from deliberation.tasks.delivery import DUPLICATE, FAILED, REFUSED, deliver
from deliberation.tasks.periodic import TASK_NAME, beat_schedule, run_periodic_job


@pytest.fixture(autouse=True)
def _own_keys(settings: Any) -> None:
    settings.YISHI_JOBS_KEY_PREFIX = f"test-jobs-{uuid.uuid4().hex}"


@pytest.fixture
def counted_job() -> Any:
    """A job that counts its runs, registered for this test only."""
    runs: list[int] = []
    name = f"counted-{uuid.uuid4().hex[:8]}"
    periodic.periodic(name, every=60)(lambda: runs.append(1) or len(runs))
    yield name, runs
    periodic.REGISTRY.pop(name)
    periodic.JOBS.pop(name)


def test_a_tick_runs_once_however_often_its_message_comes(counted_job: Any) -> None:
    name, runs = counted_job
    assert run_periodic_job.delay(name=name, tick=100).get() == 1
    assert run_periodic_job.delay(name=name, tick=100).get() == "skipped"  # a duplicate
    assert periodic.run_for_tick(name, 100) == "skipped"  # a restarted beat, same tick
    assert run_periodic_job.delay(name=name, tick=101).get() == 2  # the next tick runs
    assert runs == [1, 1]
    logged = [(r["job"], r["tick"]) for r in periodic.recent_runs() if r["job"] == name]
    assert logged == [(name, 101), (name, 100)]  # newest first


def test_beat_sends_one_task_per_job_stamped_with_its_tick(counted_job: Any) -> None:
    name, _runs = counted_job
    schedule = beat_schedule()
    assert set(schedule) == {f"periodic:{job}" for job in periodic.REGISTRY}
    entry = schedule[f"periodic:{name}"]
    assert entry["task"] == TASK_NAME and entry["schedule"].total_seconds() == 60
    assert entry["kwargs"]["name"] == name
    assert entry["kwargs"]["tick"]() == periodic.current_tick(name)  # evaluated when sent
    assert entry["options"]["expires"] == 120  # a backlog runs a job once, not per tick


def test_a_daily_job_runs_at_its_time_on_a_crontab() -> None:
    name = f"daily-{uuid.uuid4().hex[:8]}"
    periodic.periodic(name, at="07:30")(lambda: None)
    try:
        every = beat_schedule()[f"periodic:{name}"]["schedule"]
        assert isinstance(every, crontab)
        assert every.hour == {7} and every.minute == {30}
        assert periodic.REGISTRY[name].tick_seconds == 60
    finally:
        periodic.REGISTRY.pop(name)
        periodic.JOBS.pop(name)


@pytest.mark.parametrize("bad", [{"every": 0}, {"at": "25:00"}, {"at": "7.30"}])
def test_a_job_with_a_nonsense_clock_is_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        periodic.periodic("nonsense", **bad)


def test_run_periodic_still_runs_every_job_once(db: None, capsys: Any) -> None:
    call_command("run_periodic")
    out = capsys.readouterr().out
    assert all(f"{job}:" in out for job in periodic.REGISTRY)


def test_a_failing_delivery_is_retried_and_sent_once() -> None:
    recording.fail_next("sms", 2)
    message = {"channel": "sms", "to": "13800001234", "body": "请评价", "key": "rate:7:sms"}
    deliver.delay(**message)  # fails twice, the third try passes (eager: no wait)
    deliver.delay(**message)  # the same delivery again
    sent = recording.sent("sms")
    assert [(m["key"], m["to"]) for m in sent] == [("rate:7:sms", "13800001234")]
    assert deliver.delay(**message).get() == DUPLICATE


def test_a_delivery_failing_past_its_retries_gives_up_without_failing_its_caller() -> None:
    recording.fail_next("sms", 50)
    assert deliver.delay(channel="sms", to="1", body="x", key="never:sms").get() == FAILED
    assert recording.sent("sms") == []


class Refusing:
    def send(self, message: Any) -> str:
        raise DeliveryRefused("unknown number")


def test_a_refused_delivery_is_not_retried(settings: Any) -> None:
    settings.YISHI_OUTBOUND = {**settings.YISHI_OUTBOUND, "sms": f"{__name__}.Refusing"}
    assert deliver.delay(channel="sms", to="1", body="x", key="refused:sms").get() == REFUSED
    # later copies do not try again either
    settings.YISHI_OUTBOUND = {
        **settings.YISHI_OUTBOUND,
        "sms": recording.__name__ + ".RecordingSender",
    }
    assert deliver.delay(channel="sms", to="1", body="x", key="refused:sms").get() == DUPLICATE
    assert recording.sent("sms") == []
