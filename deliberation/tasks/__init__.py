"""Jobs for the queue (Celery ``@shared_task``), one module per area; the top layer: tasks
call services, workflows and actions. Importing this package registers them (Celery's
autodiscovery imports ``deliberation.tasks``; ``DeliberationConfig.ready`` too)."""

from . import notifications  # noqa: F401
