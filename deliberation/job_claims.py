"""Claims that make a job happen once: Redis ``SET NX EX``, shared by every worker process.

Without ``REDIS_URL`` (the embedded ``make run``, one process) a dictionary in the process is
the whole truth. Keys live under ``settings.YISHI_JOBS_KEY_PREFIX``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from functools import cache
from typing import Any

from django.conf import settings


@cache
def _redis(url: str) -> Any:
    import redis

    return redis.Redis.from_url(url, decode_responses=True)


def client() -> Any | None:
    """The Redis client of the job queue, or ``None`` in the embedded mode."""
    url = getattr(settings, "REDIS_URL", "")
    return _redis(url) if url else None


def key(*parts: object) -> str:
    return ":".join([settings.YISHI_JOBS_KEY_PREFIX, *map(str, parts)])


def me() -> str:
    """Who holds a claim: host and process (for the run log and for operators)."""
    return f"{socket.gethostname()}:{os.getpid()}"


_local: dict[str, tuple[str, float]] = {}
_local_lock = threading.Lock()


def _local_get(name: str) -> str | None:
    found = _local.get(name)
    if found is None or found[1] < time.monotonic():
        _local.pop(name, None)
        return None
    return found[0]


def claim(name: str, ttl: int, value: str = "") -> bool:
    """True for the one caller that sets ``name`` first (it stays set for ``ttl`` seconds)."""
    value = value or me()
    redis = client()
    if redis is not None:
        return bool(redis.set(name, value, nx=True, ex=ttl))
    with _local_lock:
        if _local_get(name) is not None:
            return False
        _local[name] = (value, time.monotonic() + ttl)
        return True


def put(name: str, value: str, ttl: int) -> None:
    redis = client()
    if redis is not None:
        redis.set(name, value, ex=ttl)
        return
    with _local_lock:
        _local[name] = (value, time.monotonic() + ttl)


def get(name: str) -> str | None:
    redis = client()
    if redis is not None:
        found = redis.get(name)
        return str(found) if found is not None else None
    with _local_lock:
        return _local_get(name)


def release(name: str) -> None:
    redis = client()
    if redis is not None:
        redis.delete(name)
        return
    with _local_lock:
        _local.pop(name, None)
