"""A small asyncio HTTP/1.1 load generator: C keep-alive connections GET one path in a loop."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from bench.swarm import percentile


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = None
    chunked = False
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readline()).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    return status


async def load(
    port: int, path: str, *, cookie: str | None, concurrency: int, seconds: float
) -> dict[str, Any]:
    """Requests/s and latency percentiles of ``GET path`` at ``concurrency`` connections."""
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: keep-alive\r\n"
    if cookie:
        request += f"Cookie: {cookie}\r\n"
    raw = (request + "\r\n").encode()
    latencies: list[float] = []
    errors = 0
    statuses: set[int] = set()
    stop = time.monotonic() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.monotonic() < stop:
                t = time.monotonic()
                writer.write(raw)
                status = await _read_response(reader)
                latencies.append((time.monotonic() - t) * 1000)
                statuses.add(status)
                if status != 200:
                    errors += 1
        finally:
            writer.close()

    start = time.monotonic()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.monotonic() - start
    return {
        "path": path,
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 50),
        "p99_ms": percentile(latencies, 99),
        "errors": errors,
        "statuses": sorted(statuses),
    }
