"""One migrated and seeded database per run, cloned for every test database.

Migrating an empty database (~8 s of CPU) and seeding the demo (~4 s) took each xdist
worker ~15 s, both at once at the start of ``make test``, on the same two cores. Now the
first process to need a test database builds ``template_name()`` (migrations, the demo, its
copy in ``tests.support.snapshot.SCHEMA``) and every test database is a file-level copy of
it made by PostgreSQL (``CREATE DATABASE ... TEMPLATE``: a fraction of a second).

The workers share the controller's server; they take turns through a PostgreSQL advisory
lock, so the second waits for the first's template instead of building its own. The template
is built under another name and renamed when whole: a build that failed leaves no template
that a later process would copy.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from deliberation.demo.tuanjiehu import seed
from tests.plugins.services import TEMPLATE_NAME, postgres_bin
from tests.support import snapshot

#: ``pg_advisory_lock``'s key while a process builds or copies the template.
_LOCK = 0x59495348


def template_name() -> str:
    """Named by the process that starts the suite (``tests.plugins.services``), inherited
    by its xdist workers."""
    return os.environ.get(TEMPLATE_NAME) or "yishi_template"


def _server(settings_dict: dict[str, Any]) -> psycopg.Connection[Any]:
    """A connection to the server's ``postgres`` database, outside every test database."""
    return psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"] or None,
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )


def _exists(server: psycopg.Connection[Any], name: str) -> bool:
    return bool(server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def _build(server: psycopg.Connection[Any], name: str) -> None:
    """Migrate and seed ``name`` through Django's connection, pointed at it meanwhile."""
    partial = f"{name}_partial"
    server.execute(f'DROP DATABASE IF EXISTS "{partial}"')
    server.execute(f'CREATE DATABASE "{partial}"')
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    connection.close()
    settings_dict["NAME"] = partial
    try:
        call_command("migrate", verbosity=0, run_syncdb=True)  # as Django's test runner
        seed()
        snapshot.take()
    finally:
        connection.close()
        settings_dict["NAME"] = original
        ContentType.objects.clear_cache()
    server.execute(f'ALTER DATABASE "{partial}" RENAME TO "{name}"')


@contextmanager
def _template_locked() -> Iterator[tuple[psycopg.Connection[Any], str]]:
    """The server and the run's template, built if no process has yet, while this process
    holds the lock (a copy of a database fails while anyone else is connected to it)."""
    name = template_name()
    with _server(connection.settings_dict) as server:
        server.execute("SELECT pg_advisory_lock(%s)", [_LOCK])
        try:
            if not _exists(server, name):
                _build(server, name)
            yield server, name
        finally:
            server.execute("SELECT pg_advisory_unlock(%s)", [_LOCK])


def clone_seeded_template() -> bool:
    """Make the test database (``TEST["NAME"]``, under xdist with the worker's suffix) a copy
    of the seeded template, building the template first if no process has. ``False`` when
    the database is not PostgreSQL (then pytest-django creates it, and the caller seeds)."""
    if connection.vendor != "postgresql":
        return False
    test_name = connection.creation._get_test_db_name()
    with _template_locked() as (server, name):
        server.execute(f'DROP DATABASE IF EXISTS "{test_name}"')
        server.execute(f'CREATE DATABASE "{test_name}" TEMPLATE "{name}"')
    return True


def dump_seeded_template(path: Path) -> None:
    """The seeded template as ``pg_dump -Fc`` writes it, without the demo's copy: for a
    process with a server of its own (``python -m bench --quick``, ``bench.environment``)."""
    settings_dict = connection.settings_dict
    with _template_locked() as (_server_connection, name):
        subprocess.run(
            [postgres_bin("pg_dump"), "--format=custom", "--compress=0"]
            + [f"--exclude-schema={snapshot.SCHEMA}", "--no-owner", f"--file={path}"]
            + ["--host", settings_dict["HOST"], "--port", str(settings_dict["PORT"])]
            + ["--username", settings_dict["USER"], "--dbname", name],
            check=True,
            capture_output=True,
        )


def drop_template() -> None:
    """For a server that outlives the run (``YISHI_TEST_EXTERNAL=1``): the run's template."""
    name = os.environ.get(TEMPLATE_NAME)
    if not name or connection.vendor != "postgresql":
        return
    with _server(connection.settings_dict) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
