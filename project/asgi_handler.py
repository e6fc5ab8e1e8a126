"""Django's ASGI handler with a fixed set of request threads, so database connections are kept.

Django's own handler runs each request's sync code (middleware, view, templates) in a
thread made for that request (``ThreadSensitiveContext`` per request, asgiref's
``ThreadPoolExecutor(max_workers=1)``). Database connections are per thread, so every
request opened a new PostgreSQL connection and ``CONN_MAX_AGE`` kept nothing: under load
that was most of an authenticated page's cost in the server (docs/benchmarks.md, "pages:
one connection per request"). Here a request borrows one of ``YISHI_HTTP_THREADS``
long-lived single-thread executors ("lanes") for its whole run and gives it back after;
the lane's thread keeps its connection across requests as a WSGI worker's thread does
(closed by ``CONN_MAX_AGE`` and ``CONN_HEALTH_CHECKS`` as usual). Requests beyond the
lanes wait for one, which also bounds the connections a worker opens.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.core.handlers.base import BaseHandler
from django.http import HttpRequest, HttpResponseBase

#: Request threads per worker process (and so at most this many database connections).
DEFAULT_LANES = 8


class LanedASGIHandler(ASGIHandler):
    def __init__(self, lanes: int | None = None) -> None:
        # Not ASGIHandler.__init__: it builds the async chain (and so every middleware,
        # WhiteNoise's scan of the static files included) once more, for nothing.
        BaseHandler.__init__(self)
        self.load_middleware(is_async=False)
        self.lane_count = lanes or int(os.environ.get("YISHI_HTTP_THREADS", DEFAULT_LANES))
        self._free: asyncio.Queue[ThreadPoolExecutor] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _lanes(self) -> asyncio.Queue[ThreadPoolExecutor]:
        # Made on first use, in the server's loop (a queue belongs to the loop it runs in;
        # the test suite calls the app from more than one loop).
        loop = asyncio.get_running_loop()
        if self._free is None or self._loop is not loop:
            self._loop = loop
            self._free = asyncio.Queue()
            for i in range(self.lane_count):
                self._free.put_nowait(
                    ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"http-{i}")
                )
        return self._free

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # The whole synchronous chain (middleware, view, templates) in one hop.
        return await sync_to_async(self.get_response, thread_sensitive=True)(request)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            raise ValueError(f"Django can only handle ASGI/HTTP connections, not {scope['type']}.")
        free = self._lanes()
        lane = await free.get()
        try:
            # A context with an executor is entered once: a fresh one per request, the
            # executor (its thread, its connection) reused.
            async with ThreadSensitiveContext(executor=lane):
                await self.handle(scope, receive, send)
        finally:
            free.put_nowait(lane)
