"""Request budgets per client: fixed-window counters in Django's cache.

The cache is Redis whenever ``REDIS_URL`` is set, so every worker process counts together;
the embedded ``make run`` counts in its one process. A budget is ``(requests, seconds)``.
"""

from __future__ import annotations

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache


def _key(bucket: str, who: str, window: int) -> tuple[str, float]:
    now = time.time()
    start = int(now // window) * window
    digest = hashlib.sha256(who.encode("utf-8", "replace")).hexdigest()[:32]
    return f"ratelimit:{settings.RATE_LIMIT_NAMESPACE}:{bucket}:{digest}:{start}", start + window


def _retry_after(ends: float) -> int:
    return max(1, math.ceil(ends - time.time()))


def spend(bucket: str, who: str, budget: tuple[int, int]) -> int | None:
    """Count one request of ``who`` against ``bucket``. None while it is within the budget,
    else the seconds until the window ends (the ``Retry-After``)."""
    limit, window = budget
    key, ends = _key(bucket, who, window)
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window ended between add and incr
        cache.add(key, 1, timeout=window + 1)
        count = 1
    return _retry_after(ends) if count > limit else None


def exhausted(bucket: str, who: str, budget: tuple[int, int]) -> int | None:
    """Like ``spend`` without counting: is ``who`` already over the budget?"""
    limit, window = budget
    key, ends = _key(bucket, who, window)
    count = cache.get(key, 0)
    return _retry_after(ends) if count >= limit else None
