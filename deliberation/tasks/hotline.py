"""The 12345 import as a job: once confirmed it runs to the end in a worker, whether or not
anyone keeps its page open; each chunk pushes the progress to the importer's open pages
(``services.hotline.import_next_chunk``)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import transaction
from django.dispatch import receiver

from deliberation.models import HotlineImport
from deliberation.services import hotline as services


@shared_task(name="yishi.hotline_import", ignore_result=True, acks_late=True)
def import_hotline(batch_id: int) -> str:
    """Import every chunk left. Safe to run twice or beside a manual step: each chunk locks
    the import and takes only rows still waiting."""
    batch = HotlineImport.objects.select_related("uploaded_by").filter(pk=batch_id).first()
    if batch is None or batch.uploaded_by is None:
        return "gone"
    actor = batch.uploaded_by
    while batch.status == HotlineImport.Status.IMPORTING:
        batch = services.import_next_chunk(batch=batch, actor=actor)
    return str(batch.status)


@receiver(services.import_confirmed)
def start_import_job(sender: Any, batch: HotlineImport, **kwargs: Any) -> None:
    transaction.on_commit(lambda: import_hotline.delay(batch.pk))
