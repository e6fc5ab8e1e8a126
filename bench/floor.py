"""The floor: a bare websocket server (no Django, no Channels) fed by Redis publish.

Every message published on the Redis channel is broadcast as is to every connected client,
which is the least any Redis-backed push can cost on this machine.
"""

from __future__ import annotations

import argparse
import asyncio

import redis.asyncio as aioredis
from websockets.asyncio.server import ServerConnection, broadcast, serve

from bench.driver import FLOOR_CHANNEL


async def main(port: int, redis_url: str) -> None:
    clients: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        clients.add(ws)
        try:
            await ws.wait_closed()
        finally:
            clients.discard(ws)

    r = aioredis.from_url(redis_url)
    pubsub = r.pubsub()
    await pubsub.subscribe(FLOOR_CHANNEL)
    async with serve(handler, "127.0.0.1", port, compression=None, ping_interval=None):
        async for message in pubsub.listen():
            if message["type"] == "message":
                broadcast(clients, message["data"].decode())


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--redis", required=True)
    args = parser.parse_args()
    asyncio.run(main(args.port, args.redis))
