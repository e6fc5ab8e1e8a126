"""The world a transactional test gets back from the copy (``tests.support.snapshot``) is the
seeded demo world: seeding again on top of it finds every row already there."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from deliberation.demo.tuanjiehu import seed
from tests.support.snapshot import restore

pytestmark = pytest.mark.django_db(transaction=True)


def _rows() -> dict[str, int]:
    tables = connection.introspection.django_table_names(only_existing=True)
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def test_the_restored_world_is_the_seeded_one(tdemo) -> None:
    call_command("flush", interactive=False, verbosity=0)  # as a transactional test leaves it
    assert restore()
    restored = _rows()
    assert restored["deliberation_compound"] and restored["deliberation_user"]
    seed()  # create or update: nothing to create in a whole world
    assert _rows() == restored
