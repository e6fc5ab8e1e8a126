"""``bench.probe`` with cProfile running in every request thread (``bench.page_profile
--profile``): ``/__bench__/profile`` writes the threads' merged statistics (since they
started) to ``var/bench/page-profile.pstats``.

py-spy is not in the venv; cProfile only sees the thread that enables it, so each request
thread (``project.asgi_handler``'s lanes) enables its own, from the executor's initializer.
"""

from __future__ import annotations

import cProfile
import pstats
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from project import asgi_handler

PROFILES: list[cProfile.Profile] = []
_lock = threading.Lock()
OUT = Path(__file__).resolve().parent.parent / "var" / "bench" / "page-profile.pstats"


def _start_profiling() -> None:
    prof = cProfile.Profile(time.thread_time)  # this thread's CPU, not wall
    with _lock:
        PROFILES.append(prof)
    prof.enable()


class _ProfiledExecutor(ThreadPoolExecutor):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, initializer=_start_profiling, **kwargs)


asgi_handler.ThreadPoolExecutor = _ProfiledExecutor  # type: ignore[misc]

from bench.probe import application as probed  # noqa: E402  (after the patch)


def _dump() -> None:
    with _lock:
        profiles = list(PROFILES)
    stats: pstats.Stats | None = None
    for prof in profiles:
        prof.snapshot_stats()  # type: ignore[attr-defined]
        one = pstats.Stats(prof)
        stats = one if stats is None else stats.add(one)  # type: ignore[arg-type]
    if stats is not None:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        stats.dump_stats(OUT)


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"] == "/__bench__/profile":
        _dump()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(OUT).encode()})
        return
    await probed(scope, receive, send)
