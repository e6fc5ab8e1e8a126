"""An asyncio swarm of authenticated websocket clients that timestamp every fragment."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.client import ClientConnection, connect

EV = re.compile(r"^<!--ev:(\d+)-->")


@dataclass(frozen=True)
class Target:
    """What one client opens: the websocket URL (a real page's topics), its session cookie,
    the topics it subscribed to (``None``: it receives everything, as on the floor), and the
    page's origin (``None``: the URL's own, as on a worker's port; behind the proxy the page
    is ``https://`` on the proxy's host)."""

    url: str
    cookie: str | None = None
    topics: frozenset[str] | None = None
    origin: str | None = None


@dataclass
class Client:
    topics: frozenset[str] | None = None
    received: list[tuple[int, float]] = field(default_factory=list)
    closed_early: bool = False


class Swarm:
    """Client ``i`` opens ``targets[i % len(targets)]``; each keeps (event id, receipt time)."""

    def __init__(self, targets: list[Target]) -> None:
        self.targets = targets
        self.clients: list[Client] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.connections: list[ClientConnection] = []

    async def connect(self, n: int, *, parallel: int = 50) -> float:
        """Open ``n`` connections (``parallel`` handshakes at a time); returns seconds taken."""
        gate = asyncio.Semaphore(parallel)
        opened: list[asyncio.Future[None]] = []
        start = time.monotonic()
        for i in range(n):
            target = self.targets[i % len(self.targets)]
            client = Client(topics=target.topics)
            self.clients.append(client)
            ready: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            opened.append(ready)
            self.tasks.append(asyncio.create_task(self._run(client, target, gate, ready)))
        await asyncio.gather(*opened)
        return time.monotonic() - start

    async def _run(
        self,
        client: Client,
        target: Target,
        gate: asyncio.Semaphore,
        ready: asyncio.Future[None],
    ) -> None:
        # As a browser on the page of that server: the socket accepts its exact origin only.
        url = target.url
        headers = {"Origin": target.origin or "http://" + urlsplit(url).netloc}
        if target.cookie:
            headers["Cookie"] = target.cookie
        try:
            async with gate:
                ws = await connect(
                    url,
                    additional_headers=headers,
                    compression=None,
                    ping_interval=None,
                    open_timeout=120,
                    max_size=None,
                    max_queue=None,
                )
            self.connections.append(ws)
        except Exception as exc:
            if not ready.done():
                ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            async for message in ws:
                t = time.time()
                m = EV.match(message if isinstance(message, str) else message.decode())
                if m:
                    client.received.append((int(m.group(1)), t))
        except Exception:
            client.closed_early = True

    async def wait_for(self, stamps: list[list[Any]], quiet: float, limit: float = 180) -> None:
        """Until every client has seen the last event on its topics, or nothing more arrived
        for ``quiet`` seconds (what has not arrived by then counts as lost), or ``limit``."""
        deadline = time.monotonic() + limit
        seen, last_change = -1, time.monotonic()
        last: dict[frozenset[str] | None, int] = {}
        for c in self.clients:
            if c.topics not in last:
                last[c.topics] = max((int(i) for i, _, t in stamps if _wants(c, t)), default=-1)
        while time.monotonic() < deadline:
            if all(
                last[c.topics] < 0 or any(i == last[c.topics] for i, _ in c.received[-5:])
                for c in self.clients
            ):
                return
            total = sum(len(c.received) for c in self.clients)
            if total != seen:
                seen, last_change = total, time.monotonic()
            elif time.monotonic() - last_change > quiet:
                return
            await asyncio.sleep(0.1)

    async def close(self) -> None:
        for ws in self.connections:
            with contextlib.suppress(Exception):
                await ws.close()
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        self.clients, self.tasks, self.connections = [], [], []


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _wants(client: Client, topic: str) -> bool:
    return client.topics is None or topic in client.topics


def delivery_stats(clients: list[Client], stamps: list[list[Any]]) -> dict[str, Any]:
    """Latency percentiles (ms) and lost / duplicated / out-of-order deliveries: each client
    is owed every committed event on the topics it subscribed to."""
    committed = {int(i): float(t) for i, t, _ in stamps}
    owed_by: dict[frozenset[str] | None, set[int]] = {}
    latencies: list[float] = []
    by_event: dict[int, list[float]] = {}
    lost = duplicated = out_of_order = 0
    for c in clients:
        if c.topics not in owed_by:
            owed_by[c.topics] = {int(i) for i, _, t in stamps if _wants(c, t)}
        owed = owed_by[c.topics]
        ids = [i for i, _ in c.received if i in owed]
        duplicated += len(ids) - len(set(ids))
        out_of_order += sum(1 for a, b in zip(ids, ids[1:], strict=False) if b < a)
        lost += len(owed - set(ids))
        for i, t in c.received:
            if i in owed:
                latencies.append((t - committed[i]) * 1000)
                by_event.setdefault(i, []).append(latencies[-1])
    return {
        "clients": len(clients),
        "transitions": len({float(t) for _, t, _ in stamps}),
        "owed": sum(len(owed_by[c.topics]) for c in clients),
        "deliveries": len(latencies),
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": max(latencies) if latencies else float("nan"),
        "lost": lost,
        "duplicated": duplicated,
        "out_of_order": out_of_order,
        "closed_early": sum(c.closed_early for c in clients),
        "slowest_event": slowest_event(by_event, committed),
    }


def slowest_event(by_event: dict[int, list[float]], committed: dict[int, float]) -> dict[str, Any]:
    """The event whose median delivery was latest, and when it was committed: a tail made of
    one event late for every client is a stall of the worker at that moment, not a spread."""
    if not by_event:
        return {}
    first = min(committed.values())
    event, times = max(by_event.items(), key=lambda item: percentile(item[1], 50))
    ordinal = sorted(committed).index(event)
    return {
        "ordinal": ordinal,
        "of": len(committed),
        "committed_s": round(committed[event] - first, 3),
        "median_ms": round(percentile(times, 50), 1),
        "clients": len(times),
    }
