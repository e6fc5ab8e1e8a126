"""The world a transactional test gets back from the copy (``tests.support.snapshot``) is the
seeded demo world: seeding again on top of it finds every row already there."""

from __future__ import annotations

import pytest
from django.apps import apps
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


def test_after_a_flush_every_table_hands_out_new_ids(tdemo) -> None:
    """A flush restarts every sequence; the restored rows keep their ids, so each sequence
    must move past them — the many-to-many tables' too. (Their inserts ignore conflicts: a
    link given an id already taken was dropped without a word, and a session convened
    after such a flush had no compounds.)"""
    call_command("flush", interactive=False, verbosity=0)
    assert restore()
    stale = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table, pk = model._meta.db_table, model._meta.pk
            if pk is None or pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                continue
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk.column])
            sequence = cursor.fetchone()[0]
            if sequence is None:
                continue
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT max({quoted(pk.column)}) FROM {quoted(table)}")  # noqa: S608
            highest = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s)", [sequence])
            if highest is not None and cursor.fetchone()[0] <= highest:
                stale.append(table)
    assert stale == []
