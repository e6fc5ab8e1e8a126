"""The embedded database (``make run``'s SQLite), migrated and seeded once for the tests that
run the project on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.embedded import embedded_env
from tests.support.paths import ROOT
from tests.support.shared import run_wide_folder

SEED = """
import django
django.setup()
from django.core.management import call_command
from django.db import connections
call_command("migrate", verbosity=0)
call_command("seed_demo", verbosity=0)
connections.close_all()
"""


@pytest.fixture(scope="session")
def seeded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh SQLite database migrated and seeded (~13 s of CPU) once in the run: each test
    copies it to its own folder, where its script migrates and seeds again over it (the path
    of a second ``make run``), instead of doing both from nothing. Under xdist in the folder
    the workers' temporary folders share (``run_wide_folder``)."""
    with run_wide_folder(tmp_path_factory, "embedded") as var_dir:
        database = var_dir / "yishi.sqlite3"
        if not (var_dir / "seeded").exists():
            database.unlink(missing_ok=True)
            result = subprocess.run(
                [sys.executable, "-c", SEED],
                cwd=ROOT,
                env=embedded_env(var_dir),
                capture_output=True,
                text=True,
            )
            assert result.returncode == 0, result.stderr[-3000:]
            assert database.exists() and not Path(f"{database}-wal").exists()
            (var_dir / "seeded").touch()
    return database
