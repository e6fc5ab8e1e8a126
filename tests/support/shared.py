"""What the run's processes build once and share: under xdist the workers' temporary folders
have one parent, where the first worker to need a thing builds it while the other waits."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def run_wide_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """The run's folder ``name``, this process alone in it (``fcntl.flock``) meanwhile: the
    caller builds what it finds missing there."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    folder.mkdir(exist_ok=True)
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield folder
