"""Uploaded files written inside a transaction are removed again when it rolls back.

A photo is written to storage before its row is saved, in the same transaction; if that
transaction then fails (a later step raises, a lock is lost), the row disappears but the
file would stay on disk, unreferenced and still carrying whatever it shows. Django has no
``on_rollback`` hook, so each writer runs in ``files_removed_on_rollback()``: a block
that remembers what was written in it and deletes those files if it exits by an exception
(its transaction or savepoint is then rolled back). A block that succeeds hands its files
to the enclosing block, so a failure further out still removes them.

What no block can see — a transaction opened outside every such block that rolls back
after the block succeeded, or a crash (``kill -9``) between the write and the commit — the
hourly ``sweep_unreferenced_uploads`` job catches: it deletes upload files no row refers to
once they are older than any transaction.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import timedelta

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from deliberation.models import IssuePhoto, LedgerAttachment, MatterDocument, WorkOrderEvidence
from deliberation.periodic import periodic

#: Upload folders and the rows that refer to their files.
UPLOAD_ROOTS: dict[
    str,
    type[IssuePhoto] | type[WorkOrderEvidence] | type[MatterDocument] | type[LedgerAttachment],
] = {
    "issues": IssuePhoto,
    "work_orders": WorkOrderEvidence,
    "matters": MatterDocument,
    "ledger": LedgerAttachment,
}
#: A file younger than this may belong to a transaction still open.
ORPHAN_AGE = timedelta(hours=1)
SWEEP_EVERY_SECONDS = 3600.0
_last_sweep = {"at": float("-inf")}

_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "yishi_files_written", default=None
)


@contextmanager
def files_removed_on_rollback() -> Iterator[None]:
    """``transaction.atomic()`` that also deletes the files ``save_file`` wrote in it when
    it exits by an exception. Usable as a decorator."""
    enclosing = _written.get()
    written: list[tuple[Storage, str]] = []
    token = _written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _delete(written)
        raise
    finally:
        _written.reset(token)
    if enclosing is not None:
        enclosing.extend(written)


def save_file(field_file: FieldFile, name: str, content: File) -> None:
    """Write ``content`` through the field's storage (the row is saved by the caller),
    remembered by the enclosing ``files_removed_on_rollback`` block."""
    written = _written.get()
    if written is None:
        raise RuntimeError("save_file must run inside files_removed_on_rollback()")
    field_file.save(name, content, save=False)
    written.append((field_file.storage, field_file.name or name))


def _delete(written: list[tuple[Storage, str]]) -> None:
    for storage, name in written:
        # Already gone, or the disk is the reason we are rolling back: nothing to add.
        with suppress(OSError):
            storage.delete(name)


def remove_unreferenced_uploads(*, older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete photo files no row refers to and older than ``older_than``; how many."""
    cutoff = timezone.now() - older_than
    removed = 0
    for root, model in UPLOAD_ROOTS.items():
        storage = model._meta.get_field("file").storage  # type: ignore[union-attr]
        referenced = set(model.objects.values_list("file", flat=True))
        for name in _files_under(storage, root):
            # a thumbnail (``photos.thumbnail``: "<photo>.thumb….jpg") lives as its photo does
            photo = name.split(".thumb", 1)[0]
            if photo in referenced or storage.get_modified_time(name) > cutoff:
                continue
            with suppress(OSError):
                storage.delete(name)
                removed += 1
    return removed


def _files_under(storage: Storage, folder: str) -> Iterator[str]:
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")


@periodic("sweep_unreferenced_uploads")
def _sweep_unreferenced_uploads() -> int:
    """Hourly (the periodic runner ticks every 30 s; walking the media folders is not free)."""
    now = time.monotonic()
    if now - _last_sweep["at"] < SWEEP_EVERY_SECONDS:
        return 0
    _last_sweep["at"] = now
    return remove_unreferenced_uploads()
