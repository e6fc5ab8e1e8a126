"""The ASGI handler serves requests from a fixed set of threads (so their database
connections are kept between requests) and runs the whole middleware chain in one hop."""

from __future__ import annotations

import asyncio
import threading

from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator

from project.asgi_handler import LanedASGIHandler


def _http_threads() -> set[threading.Thread]:
    return {t for t in threading.enumerate() if t.name.startswith("http-")}


def test_requests_reuse_the_handlers_threads_and_run_the_chain_synchronously() -> None:
    handler = LanedASGIHandler(lanes=2)
    assert not asyncio.iscoroutinefunction(handler._middleware_chain)
    before = _http_threads()

    async def scenario() -> list[int]:
        statuses = []
        for _ in range(6):
            response = await HttpCommunicator(
                handler, "GET", "/healthz/", headers=[(b"host", b"localhost")]
            ).get_response(timeout=30)  # the first one imports the URLconf
            statuses.append(response["status"])
        return statuses

    assert async_to_sync(scenario)() == [200] * 6
    # Django's own handler made a new thread per request (six here); these are the two lanes.
    assert len(_http_threads() - before) <= 2
