"""Wait for a channel-layer call from synchronous code, on whatever thread it runs.

``async_to_sync`` refuses to run on a thread whose event loop is running: an
``on_commit`` callback of a write made there (Playwright's sync API keeps its loop on the
test's thread; so would any synchronous call made from async code). The call then goes to
a short-lived thread of its own and is waited for, so the message is sent rather than lost.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from asgiref.sync import async_to_sync

T = TypeVar("T")


def call_blocking(func: Callable[..., Awaitable[T]], *args: Any) -> T:
    """``async_to_sync(func)(*args)``, also from a thread with a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return async_to_sync(func)(*args)
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(async_to_sync(func)(*args))
        except BaseException as exc:  # noqa: BLE001  (re-raised on the caller's thread)
            failure.append(exc)

    worker = threading.Thread(target=run, name="yishi-live-send")
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]
