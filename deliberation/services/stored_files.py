"""Uploaded files written inside a transaction are removed again when it rolls back.

A photo is written to storage before its row is saved, in the same transaction; if that
transaction then fails (a later step raises, a lock is lost), the row disappears but the
file would stay on disk, unreferenced and still carrying whatever it shows. Django has no
``on_rollback`` hook, so each writer runs in ``files_removed_on_rollback()``: a block
that remembers what was written in it and deletes those files if it exits by an exception
(its transaction or savepoint is then rolled back). A block that succeeds hands its files
to the enclosing block, so a failure further out still removes them.

Not covered: a transaction opened outside every such block that rolls back after the block
succeeded, and a crash between the write and the commit; only a sweep of files no row
refers to would catch those.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models.fields.files import FieldFile

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
