"""The ASGI entry point leaves what it loaded out of the garbage collector's full
collections: a worker with a thousand sockets paused ~180 ms per full collection walking
Django's own objects (docs/benchmarks.md, "GC pauses")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_loading_the_app_freezes_what_it_loaded() -> None:
    script = "import gc, project.asgi; print(gc.get_freeze_count())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "project.settings", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.split()[-1]) > 50_000  # Django, the URL conf, the app
