"""The benchmark's own database and settings, made the same way by every entry point
(``python -m bench``, ``bench.servers``, ``bench.commit_receipt``, ``bench.transitions``,
``bench.district``)."""

from __future__ import annotations

import contextlib
import os
import secrets
import subprocess
from collections.abc import Iterator

from tests.plugins.services import PostgresServer, RedisServer, postgres_bin

#: A ``pg_dump --format=custom`` of a migrated database to start from instead of an empty one:
#: the test suite's quick run (tests/bench/test_quick.py) passes its seeded template's, which
#: spares the run the migrations and most of the demo's seeding (~15 s of its ~80). The
#: migrations still run over it (and find nothing to do) and the seeding still runs over it.
DATABASE_DUMP = "YISHI_BENCH_DATABASE_DUMP"


def create_database(pg: PostgresServer) -> None:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={pg.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        conn.execute("CREATE DATABASE yishi")
    dump = os.environ.get(DATABASE_DUMP)
    if dump:
        subprocess.run(
            [postgres_bin("pg_restore"), "--no-owner", "--exit-on-error"]
            + ["--host", "127.0.0.1", "--port", str(pg.port), "--username", "postgres"]
            + ["--dbname", "yishi", dump],
            check=True,
        )


def start_django(
    pg: PostgresServer, redis: RedisServer | None, *, hosts: str = "127.0.0.1,localhost"
) -> dict[str, str]:
    """Create the database, point this process's Django at it with the benchmark's
    production settings (``bench.settings``), migrate, and return the environment for the
    servers and drivers the run starts (without the test runner's variables)."""
    create_database(pg)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST")},
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": pg.url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": hosts,
        "DB_CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("YISHI_TEST_FAST_HASHER", None)
    env.pop(DATABASE_DUMP, None)
    if redis is None:
        env.pop("REDIS_URL", None)
        os.environ.pop("REDIS_URL", None)
    else:
        env["REDIS_URL"] = redis.url
    os.environ.update(env)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return env


@contextlib.contextmanager
def demo_world() -> Iterator[None]:
    """A PostgreSQL and a Redis of the run's own, this process's Django on them and the demo
    seeded: what the single-phase entry points (``bench.transitions``,
    ``bench.step_profile``) measure on. Both servers stop on the way out."""
    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    try:
        start_django(pg, redis)
        from deliberation.demo.tuanjiehu import seed

        seed()
        yield
    finally:
        redis.stop()
        pg.stop()
