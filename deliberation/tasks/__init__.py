"""Work for the job queue (Celery, ``project/celery.py``; ``docs/jobs.md``): one module per area.

A top-layer package: tasks call services, workflows and actions, never the other way round;
code that wants work done enqueues it after its transaction commits
(``transaction.on_commit(lambda: task.delay(...))``). Celery's autodiscovery imports this
package, so every module with tasks is imported here.
"""

from . import delivery, hotline, notifications, periodic  # noqa: F401
