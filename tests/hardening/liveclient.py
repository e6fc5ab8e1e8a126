"""A websocket client that behaves like ``static/js/live.js``: on every (re)connect it sends
``{"resume": <highest id seen>}``; when the socket closes it reconnects (to the next server
in its list, as a proxy would send it to another worker). Like the page, it applies each
event once: a replay may re-send events it already has (docs/architecture.md), which are
counted in ``repeats`` and dropped."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time

from websockets.asyncio.client import connect

EV = re.compile(r"^<!--ev:(\d+)-->")


class LiveClient:
    def __init__(self, servers: list[str], cookie: str, topics: str, last: int = 0) -> None:
        self.urls = [
            f"{s.replace('http://', 'ws://')}/ws/live/?topics={topics}&lang=en" for s in servers
        ]
        self.origins = servers
        self.cookie = cookie
        self.last = last
        self.ids: list[int] = []  # applied, in the order applied
        self.repeats: list[int] = []  # re-sent and dropped by id, as live.js does
        self.opened = 0
        self._task: asyncio.Task[None] | None = None
        self._stop = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        i = 0
        while not self._stop:
            url, origin = self.urls[i % len(self.urls)], self.origins[i % len(self.urls)]
            try:
                async with connect(
                    url,
                    additional_headers={"Cookie": self.cookie, "Origin": origin},
                    open_timeout=3,
                    ping_interval=None,
                ) as ws:
                    self.opened += 1
                    await ws.send(json.dumps({"resume": self.last}))
                    async for message in ws:
                        m = EV.match(str(message))
                        if m:
                            event_id = int(m.group(1))
                            if event_id in self.ids:
                                self.repeats.append(event_id)
                                continue
                            self.ids.append(event_id)
                            self.last = max(self.last, event_id)
            except Exception:  # noqa: BLE001, S110  (closed or refused: reconnect, like live.js)
                pass
            i += 1
            await asyncio.sleep(0.2)

    async def wait_for(self, wanted: set[int], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not wanted <= set(self.ids):
            if time.monotonic() > deadline:
                missing = sorted(wanted - set(self.ids))
                raise AssertionError(f"never received events {missing} (got {self.ids})")
            await asyncio.sleep(0.05)

    async def wait_opened(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while self.opened < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"opened {self.opened} times, not {count}")
            await asyncio.sleep(0.05)

    async def stop(self) -> None:
        self._stop = True
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
