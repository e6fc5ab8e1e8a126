"""Work for the job queue (Celery, ``project/celery.py``; ``docs/jobs.md``): one module per area.

A top-layer package: tasks call services, workflows and actions, never the other way round;
code that wants work done enqueues it after its transaction commits
(``transaction.on_commit(lambda: task.delay(...))``). Celery's autodiscovery imports this
package, so every module with tasks is imported here.
"""

from celery.signals import worker_process_shutdown

from deliberation.live import publisher

from . import delivery, hotline, notifications, periodic  # noqa: F401


@worker_process_shutdown.connect
def _flush_live_events(**kwargs: object) -> None:
    """A prefork child exits without ``atexit``: send the live events its last task queued
    (what does not make it stays in the outbox for ``publish_pending``)."""
    publisher.flush(5.0)
