"""The ASGI app the benchmark serves: Yishi's own, plus counters read over loopback HTTP.

Counts, inside the worker process, SQL statements, template renders and fragments sent by
the live consumer, and reports the process's CPU time and RSS. ``/__bench__/counters``
answers without touching Django, so reading the counters costs no query. The sockets'
access re-checks (every ``YISHI_LIVE_RECHECK_SECONDS`` per socket, not per delivery;
``deliberation/live/access.py``) are counted apart: ``access_checks``, ``access_queries``.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import threading
import time
from typing import Any

from django.db.backends import utils as db_utils  # noqa: E402
from django.template import base as template_base  # noqa: E402

from project.asgi import application as yishi  # noqa: E402  (sets up Django first)

COUNTS = {"queries": 0, "renders": 0, "deliveries": 0, "access_checks": 0, "access_queries": 0}
#: The garbage collector's pauses: every collection stops the event loop, so one long pause is
#: a delay for every socket of the worker at once (what a one-event p99 tail looks like).
GC_PAUSES = {"collections": 0, "full_collections": 0, "pause_s": 0.0, "max_pause_s": 0.0}
_gc_started = [0.0]
_checking = threading.local()  # set while this thread runs an access re-check


def _counting(fn: Any, key: str) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        COUNTS[key] += 1
        return fn(*args, **kwargs)

    return wrapper


def _counting_queries(fn: Any) -> Any:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        COUNTS["access_queries" if getattr(_checking, "on", False) else "queries"] += 1
        return fn(*args, **kwargs)

    return wrapper


db_utils.CursorWrapper.execute = _counting_queries(db_utils.CursorWrapper.execute)
db_utils.CursorWrapper.executemany = _counting_queries(db_utils.CursorWrapper.executemany)
template_base.Template.render = _counting(template_base.Template.render, "renders")


def _count_deliveries() -> None:
    """Wrap the consumer's one send path (imported here: Django is set up by now)."""
    from deliberation.live.consumer import LiveConsumer

    send = LiveConsumer._send_fragment

    async def counted(self: LiveConsumer, text: str) -> None:
        COUNTS["deliveries"] += 1
        await send(self, text)

    LiveConsumer._send_fragment = counted  # type: ignore[method-assign]


_count_deliveries()


def _count_access_checks() -> None:
    """Wrap the consumer's periodic and signalled re-check (it runs in a database thread)."""
    from deliberation.live import consumer

    check = consumer.still_allowed

    def counted(*args: Any, **kwargs: Any) -> Any:
        COUNTS["access_checks"] += 1
        _checking.on = True
        try:
            return check(*args, **kwargs)
        finally:
            _checking.on = False

    consumer.still_allowed = counted  # type: ignore[assignment]


_count_access_checks()


def _time_gc(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _gc_started[0] = time.perf_counter()
        return
    pause = time.perf_counter() - _gc_started[0]
    GC_PAUSES["collections"] += 1
    GC_PAUSES["full_collections"] += info["generation"] == 2
    GC_PAUSES["pause_s"] += pause
    GC_PAUSES["max_pause_s"] = max(GC_PAUSES["max_pause_s"], pause)


gc.callbacks.append(_time_gc)


def _rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def snapshot() -> dict[str, Any]:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        **COUNTS,
        **{f"gc_{key}": value for key, value in GC_PAUSES.items()},
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "rss_kib": _rss_kib(),
        "pid": os.getpid(),
    }


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http" and scope["path"].startswith("/__bench__/"):
        if scope["path"] == "/__bench__/gc":
            gc.collect()
            GC_PAUSES["max_pause_s"] = 0.0  # the pauses that matter are the unasked ones
        body = json.dumps(snapshot()).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return
    await yishi(scope, receive, send)
