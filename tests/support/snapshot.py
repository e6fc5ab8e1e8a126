"""The demo world, seeded once per test database and then put back by copying its rows.

Seeding builds the world row by row through the ORM, which takes seconds; every
transactional test (the websocket, live-server and browser ones, ~110 of them) finds the
tables flushed by the one before and needed the world again. After the first seed a copy
of every table is kept in a schema of its own (``SCHEMA``) and ``restore`` puts it back in
one transaction: tens of milliseconds instead. The rows come back with their ids, and each
sequence is set just past its table's highest id: a test that reset the sequences (e.g.
``reset_sequences = True``) must not hand out an id the restored rows already hold.

A transactional test's teardown puts the copy back instead of emptying the tables
(``restoring_teardown``), so the next one finds the world in place and restores nothing:
one copy per test instead of a flush (which also re-creates every content type and
permission) and then a copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

SCHEMA = "demo_snapshot"

#: The tables copied by ``take`` in this process's test database (none yet: seed first).
_copied: list[str] = []

#: Whether the tables hold the copy as it is: put back by the last transactional test's
#: teardown, and no transactional test has written since (the other tests' writes are rolled
#: back).
_intact: list[bool] = [False]


def _quoted(table: str, schema: str = "public") -> str:
    return f"{connection.ops.quote_name(schema)}.{connection.ops.quote_name(table)}"


def take() -> None:
    """Copy every table of the seeded world into ``SCHEMA`` (replacing an older copy)."""
    if connection.vendor != "postgresql":
        return
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table in tables:
            cursor.execute(f"CREATE TABLE {_quoted(table, SCHEMA)} AS TABLE {_quoted(table)}")
    _copied[:] = tables


def adopt() -> bool:
    """Use the copy this test database came with (cloned from ``tests.support.template``,
    whose build took it); ``False`` if it has none."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            [SCHEMA],
        )
        copied = {row[0] for row in cursor.fetchall()}
    tables = set(connection.introspection.django_table_names(only_existing=True))
    if not copied or copied != tables:
        return False
    _copied[:] = sorted(tables)
    return True


def restore() -> bool:
    """Put the copied world back in place of whatever the tables hold; ``False`` if there
    is no copy yet (then seed, and ``take`` one)."""
    if not _copied:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # rows of related tables in any order
        cursor.execute("TRUNCATE " + ", ".join(_quoted(t) for t in _copied))
        for table in _copied:
            source, target = _quoted(table, SCHEMA), _quoted(table)
            cursor.execute(f"INSERT INTO {target} SELECT * FROM {source}")  # noqa: S608
        for statement in connection.ops.sequence_reset_sql(
            no_style(), apps.get_models(include_auto_created=True)
        ):
            cursor.execute(statement)
    ContentType.objects.clear_cache()  # a flush re-created them under other ids
    return True


def intact() -> bool:
    """The world is the copy, untouched since it was put back (see ``restoring_teardown``)."""
    return _intact[0]


def written() -> None:
    """A transactional test is about to write for real: the world is no longer the copy."""
    _intact[0] = False


def restoring_teardown(flush: Callable[[Any], None]) -> Callable[[Any], None]:
    """``TransactionTestCase._fixture_teardown`` that puts the copy back in place of the
    flush; the flush itself while there is no copy, or for a test limited to some apps."""

    def teardown(case: Any) -> None:
        written()
        if case.available_apps is None and restore():
            _intact[0] = True
            return
        flush(case)

    return teardown
