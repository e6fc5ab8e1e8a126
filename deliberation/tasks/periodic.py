"""The periodic jobs on Celery beat: one task per job and tick, run once however many workers.

Beat's schedule is the ``deliberation.periodic`` registry (:class:`PeriodicJobScheduler`,
named by ``CELERY_BEAT_SCHEDULER``): every job becomes an entry sending
:func:`run_periodic_job` with the job's name and the tick it is sent for, stamped at send
time. The worker claims the tick in Redis before running (``periodic.run_for_tick``), so a
message delivered twice, a second beat or a restarted one never runs a tick again. A message
that waited past the next tick expires: a backlog after an outage runs each job once, not
once per missed tick.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from celery import shared_task
from celery.beat import BeatLazyFunc, PersistentScheduler
from celery.schedules import crontab

from deliberation import periodic

TASK_NAME = "yishi.periodic"


@shared_task(name=TASK_NAME, ignore_result=True)
def run_periodic_job(name: str, tick: int) -> object:
    return periodic.run_for_tick(name, tick)


def beat_schedule() -> dict[str, dict[str, Any]]:
    """Beat entries for every registered job (``YISHI_PERIODIC_EVERY`` makes all interval
    jobs, daily ones included, run at that interval: tests and demos)."""
    entries: dict[str, dict[str, Any]] = {}
    for job in periodic.REGISTRY.values():
        width = job.tick_seconds
        if job.at and not periodic.every_override():
            hour, _, minute = job.at.partition(":")
            every: Any = crontab(hour=int(hour), minute=int(minute))
        else:
            every = timedelta(seconds=width)
        entries[f"periodic:{job.name}"] = {
            "task": TASK_NAME,
            "schedule": every,
            "kwargs": {"name": job.name, "tick": BeatLazyFunc(periodic.current_tick, job.name)},
            "options": {"expires": max(2 * width, 5)},
        }
    return entries


class PeriodicJobScheduler(PersistentScheduler):
    """Celery's file-backed scheduler with the registry's jobs added to ``beat_schedule``."""

    def setup_schedule(self) -> None:
        self.app.conf.beat_schedule = {**(self.app.conf.beat_schedule or {}), **beat_schedule()}
        super().setup_schedule()
