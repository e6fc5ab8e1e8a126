"""Request budgets per client: counters in Django's cache, one window per client from its
first request.

The cache is Redis whenever ``REDIS_URL`` is set, so every worker process counts together;
the embedded ``make run`` counts in its one process. A budget is ``(requests, seconds)``.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache

log = logging.getLogger("yishi.rate_limits")


def _anchor(bucket: str, who: str) -> str:
    digest = hashlib.sha256(who.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{settings.RATE_LIMIT_NAMESPACE}:{bucket}:{digest}"


def _open_window(bucket: str, who: str, window: int) -> tuple[str, float]:
    """The counter's key and the window's end. A window opens at the client's first request
    (not on the clock's minute), so a burst is never split across two windows."""
    anchor = _anchor(bucket, who)
    cache.add(anchor, time.time(), timeout=window)
    opened = cache.get(anchor) or time.time()  # expired in between: a new window
    return f"{anchor}:{opened:.6f}", float(opened) + window


def _current_window(bucket: str, who: str, window: int) -> tuple[str, float] | None:
    anchor = _anchor(bucket, who)
    opened = cache.get(anchor)
    return None if opened is None else (f"{anchor}:{opened:.6f}", float(opened) + window)


def _retry_after(ends: float) -> int:
    return max(1, math.ceil(ends - time.time()))


def spend(bucket: str, who: str, budget: tuple[int, int]) -> int | None:
    """Count one request of ``who`` against ``bucket``. None while it is within the budget,
    else the seconds until the window ends (the ``Retry-After``)."""
    limit, window = budget
    try:
        key, ends = _open_window(bucket, who, window)
        cache.add(key, 0, timeout=window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the window ended between add and incr
            cache.add(key, 1, timeout=window + 1)
            count = 1
    except Exception:  # the cache (Redis) is down: serve rather than refuse everyone
        log.warning("rate limit %s not counted: cache unavailable", bucket, exc_info=True)
        return None
    return _retry_after(ends) if count > limit else None


def exhausted(bucket: str, who: str, budget: tuple[int, int]) -> int | None:
    """Like ``spend`` without counting: is ``who`` already over the budget?"""
    limit, window = budget
    try:
        current = _current_window(bucket, who, window)
        if current is None:
            return None
        key, ends = current
        count = cache.get(key, 0)
    except Exception:  # as in ``spend``
        log.warning("rate limit %s not read: cache unavailable", bucket, exc_info=True)
        return None
    return _retry_after(ends) if count >= limit else None
