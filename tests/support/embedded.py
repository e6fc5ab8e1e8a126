"""`make run`'s embedded mode (SQLite, in-memory layer) for a test's subprocess."""

from __future__ import annotations

import os
from pathlib import Path


def embedded_env(var_dir: Path) -> dict[str, str]:
    """The suite's environment without its PostgreSQL and Redis: ``make run``'s defaults."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="1",
        YISHI_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="project.settings",
        ALLOWED_HOSTS="testserver",
    )
    return env
