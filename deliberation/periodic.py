"""Jobs that run on a clock: the outbox retry, and (registered by their areas) deadline sweeps,
vote clocks, re-election reminders, purges, digests.

Areas register a job with ``@periodic(name, every=seconds)`` (or ``at="HH:MM"`` for once a
day). Production runs the registry on the job queue (``docs/jobs.md``): Celery beat sends ONE
task per job and tick (``deliberation.tasks.periodic``) and :func:`run_for_tick` runs it only
if nobody ran that tick before: a Redis ``SET NX EX`` claim keyed by job and tick, so two
workers, a duplicated message or a restarted beat never run a tick twice.

The embedded ``make run`` has no Redis and an in-memory channel layer that only the web
process can publish to, so there the jobs run on a thread inside the web process
(``YISHI_INPROCESS_JOBS=1``); ``manage.py run_periodic`` runs every job once, now.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from deliberation import job_claims
from deliberation.live.outbox import prune_events, publish_pending

log = logging.getLogger("yishi.periodic")

Job = Callable[[], object]

#: How often a job runs unless it says otherwise (seconds).
DEFAULT_EVERY = 30
#: A claimed tick stays claimed this long at least: longer than a message can wait for
#: redelivery (the Redis transport's visibility timeout is one hour).
MIN_CLAIM_SECONDS = 2 * 3600
#: Runs kept in the run log (newest first).
RUN_LOG_LENGTH = 1000


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Job
    #: Seconds between runs; ``None`` when the job runs once a day at ``at``.
    every: int | None = DEFAULT_EVERY
    #: "HH:MM" in ``settings.TIME_ZONE``: once a day at that time (a celery crontab).
    at: str = ""

    @property
    def tick_seconds(self) -> int:
        """The width of one tick: the interval, or a minute for daily jobs (a crontab fires
        at most once a minute)."""
        override = every_override()
        if override:
            return override
        return self.every if self.every else 60


REGISTRY: dict[str, PeriodicJob] = {}
#: name -> callable, for callers that run a job by hand (tests, ``run_periodic``).
JOBS: dict[str, Job] = {}


def periodic(name: str, *, every: int | None = DEFAULT_EVERY, at: str = "") -> Callable[[Job], Job]:
    """Register ``fn`` as the periodic job ``name``: every ``every`` seconds, or daily ``at``
    "HH:MM". A job must be safe to run again (it sweeps what is due), never assume a tick ran."""
    if at:
        hour, _, minute = at.partition(":")
        if not (hour.isdigit() and minute.isdigit() and int(hour) < 24 and int(minute) < 60):
            raise ValueError(f"periodic job {name}: at={at!r} is not HH:MM")
        every = None
    elif not every or every < 1:
        raise ValueError(f"periodic job {name}: every must be a positive number of seconds")

    def register(fn: Job) -> Job:
        REGISTRY[name] = PeriodicJob(name=name, run=fn, every=every, at=at)
        JOBS[name] = fn
        return fn

    return register


def every_override() -> int:
    """``YISHI_PERIODIC_EVERY`` (seconds) runs every job at that interval: the worker tests
    and demos use it; production leaves it unset."""
    return int(getattr(settings, "YISHI_PERIODIC_EVERY", 0) or 0)


def current_tick(name: str, now: float | None = None) -> int:
    """The tick ``now`` falls in, for job ``name`` (beat stamps it on the message it sends)."""
    width = REGISTRY[name].tick_seconds
    return int((time.time() if now is None else now) // width)


# --- the claim and the run log (Redis; a process-local stand-in without it) ------------------


def claim_tick(name: str, tick: int) -> bool:
    """True for the one caller that gets to run ``name`` for ``tick`` (Redis ``SET NX EX``)."""
    ttl = max(2 * REGISTRY[name].tick_seconds, MIN_CLAIM_SECONDS)
    return job_claims.claim(job_claims.key("periodic", name, tick), ttl)


def _record_run(entry: dict[str, Any]) -> None:
    client = job_claims.client()
    if client is None:
        return
    try:
        pipe = client.pipeline()
        pipe.lpush(job_claims.key("runs"), json.dumps(entry))
        pipe.ltrim(job_claims.key("runs"), 0, RUN_LOG_LENGTH - 1)
        pipe.execute()
    except Exception:  # the log is for operators; a job that ran must not fail because of it
        log.warning("periodic job %s: could not write the run log", entry.get("job"))


def recent_runs() -> list[dict[str, Any]]:
    """The newest runs first: job, tick, who ran it, when, how long, its result."""
    client = job_claims.client()
    if client is None:
        return []
    runs = client.lrange(job_claims.key("runs"), 0, RUN_LOG_LENGTH - 1)
    return [json.loads(raw) for raw in runs]


# --- running -----------------------------------------------------------------------------------


def _run(name: str) -> object:
    try:
        return REGISTRY[name].run()
    except Exception:  # one failing job must not stop the others
        log.exception("periodic job %s failed", name)
        return "failed"
    finally:
        close_old_connections()


def run_for_tick(name: str, tick: int) -> object:
    """Run job ``name`` for ``tick`` unless that tick was claimed already (then "skipped")."""
    if name not in REGISTRY:
        log.error("periodic job %s is not registered here", name)
        return "unknown"
    if not claim_tick(name, tick):
        return "skipped"
    started = time.time()
    result = _run(name)
    _record_run(
        {
            "job": name,
            "tick": tick,
            "by": job_claims.me(),
            "at": started,
            "seconds": round(time.time() - started, 3),
            "result": result if isinstance(result, int | str | None) else str(result),
        }
    )
    return result


def run_jobs_once() -> dict[str, object]:
    """Every job once, now, in this process (``manage.py run_periodic``, the embedded thread)."""
    return {name: _run(name) for name in list(REGISTRY)}


def start_in_process(interval: float = 30.0) -> threading.Thread:
    def loop() -> None:
        while True:
            time.sleep(interval)
            run_jobs_once()

    thread = threading.Thread(target=loop, name="yishi-periodic", daemon=True)
    thread.start()
    return thread


@periodic("publish_outbox")
def _publish_outbox() -> int:
    return publish_pending()


@periodic("prune_outbox", at="04:30")
def _prune_outbox() -> int:
    """Keep the outbox bounded: events older than ``YISHI_OUTBOX_KEEP_DAYS`` go, in small
    batches, at night (docs/scaling.md)."""
    return prune_events()
