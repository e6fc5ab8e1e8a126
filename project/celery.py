"""The job queue: Celery on the Redis the live layer already uses.

Without ``REDIS_URL`` (the embedded ``make run``) tasks run in-process, eagerly, so nothing
else has to be started. ``YISHI_JOBS_EAGER`` overrides the choice (the test suite runs its
tasks eagerly and starts real workers only in the tests about workers).
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")

app = Celery("yishi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
