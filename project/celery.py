"""The job queue: Celery on the Redis the live layer already uses.

Without ``REDIS_URL`` (the embedded ``make run``) tasks run in-process, eagerly, so nothing
else has to be started. ``YISHI_JOBS_EAGER`` overrides the choice (the test suite runs its
tasks eagerly and starts real workers only in the tests about workers).
"""

from __future__ import annotations

import os

from celery import Celery
from celery.signals import worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("yishi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_shutdown.connect
def _flush_live_events(**kwargs: object) -> None:
    """A prefork child exits without ``atexit``: send the live events its last task queued
    (what does not make it stays in the outbox for ``publish_pending``)."""
    from deliberation.live import publisher

    publisher.flush(5.0)
