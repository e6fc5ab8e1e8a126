"""Concurrency on PostgreSQL: two confirmations of one import, two imports of the same
tickets, two chunk steps at once — each ticket becomes exactly one issue."""

from __future__ import annotations

import pytest
from django.db import connection

from deliberation.models import HotlineImport, Issue, User
from deliberation.services.conflicts import Conflict
from deliberation.services.hotline import (
    confirm_hotline_import,
    import_confirmed,
    import_next_chunk,
    stage_hotline_file,
)
from deliberation.tasks.hotline import start_import_job
from tests.concurrency import run_together

from .hotline_files import csv_bytes, good_row

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_is_postgresql(tdemo) -> None:
    assert connection.vendor == "postgresql"


def test_two_confirmations_one_wins(tdemo) -> None:
    juwei = User.objects.get(username="juwei")
    batch = stage_hotline_file(actor=juwei, name="a.csv", content=csv_bytes([good_row(1)]))
    results = run_together([lambda: confirm_hotline_import(batch=batch, actor=juwei)] * 2)
    assert sum(isinstance(r, HotlineImport) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1


def test_two_imports_of_the_same_tickets_make_one_issue_each(tdemo) -> None:
    juwei = User.objects.get(username="juwei")
    jiedao = User.objects.get(username="jiedao")
    content = csv_bytes([good_row(n) for n in range(1, 21)])
    a = stage_hotline_file(actor=juwei, name="a.csv", content=content)
    b = stage_hotline_file(actor=jiedao, name="b.csv", content=content)
    # confirmed without their jobs (run in-process at once here): the chunks below race
    import_confirmed.disconnect(start_import_job)
    try:
        confirm_hotline_import(batch=a, actor=juwei)
        confirm_hotline_import(batch=b, actor=jiedao)
    finally:
        import_confirmed.connect(start_import_job)
    results = run_together(
        [
            lambda: import_next_chunk(batch=a, actor=juwei, size=50),
            lambda: import_next_chunk(batch=b, actor=jiedao, size=50),
            lambda: import_next_chunk(batch=a, actor=juwei, size=50),
        ]
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.imported + b.imported == 20
    assert a.skipped + b.skipped == 20
    assert a.processed == a.to_import and b.processed == b.to_import
    assert Issue.objects.filter(hotline_ticket__startswith="T-2026-").count() == 20
