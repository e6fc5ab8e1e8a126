"""Jobs that run on a clock: the outbox retry, and (registered by their areas) deadline sweeps.

Production runs them with ``manage.py run_periodic --loop`` (or cron) beside the web
workers; pushes reach browsers through Redis. The embedded ``make run`` has an in-memory
channel layer that only the web process can publish to, so there they run on a thread
inside the web process (``YISHI_INPROCESS_JOBS=1``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

from deliberation.live.outbox import publish_pending

log = logging.getLogger("yishi.periodic")

Job = Callable[[], object]
JOBS: dict[str, Job] = {}


def periodic(name: str) -> Callable[[Job], Job]:
    def register(fn: Job) -> Job:
        JOBS[name] = fn
        return fn

    return register


def run_jobs_once() -> dict[str, object]:
    results: dict[str, object] = {}
    for name, job in JOBS.items():
        try:
            results[name] = job()
        except Exception:  # one failing job must not stop the others
            log.exception("periodic job %s failed", name)
            results[name] = "failed"
        finally:
            close_old_connections()
    return results


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
