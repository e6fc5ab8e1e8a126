"""The production channel layer: channels-redis's pub/sub layer, made safe to lose.

Why pub/sub: one Redis ``PUBLISH`` per group and event, fanned out inside each worker,
instead of one Redis list entry per socket (the core layer's group_send), which is what
made the core layer queue up beyond a few hundred sockets (docs/benchmarks.md).

Why a subclass: pub/sub delivery is at-most-once. When a worker's subscriber connection
drops (Redis restarted, a network blip), redis-py reconnects and re-subscribes silently,
and whatever was published meanwhile is gone, while every socket stays open and never
asks for a replay. Here each reconnection of the subscriber connection sends every local
consumer a ``live.reset`` message; the consumer closes its socket, the page reconnects
(``static/js/live.js``) and replays what it missed from the outbox by id. A message is
also decoded once per worker instead of once per socket.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
    _wrap_close,
)
from redis.asyncio.client import PubSub

log = logging.getLogger("yishi.live")

#: Sent to every local consumer when its subscriptions may have missed messages.
RESET = {"type": "live.reset"}


class _WatchedPubSub(PubSub):
    """redis-py calls ``on_connect`` when it re-establishes the connection (and there
    re-subscribes); messages published meanwhile are lost."""

    shard: LiveShard

    async def on_connect(self, connection: Any) -> None:
        await super().on_connect(connection)
        self.shard.connected()


class LiveShard(RedisSingleShardConnection):  # type: ignore[misc]
    def __init__(self, host: dict[str, Any], channel_layer: LiveLoopLayer) -> None:
        super().__init__(host, channel_layer)
        self.subscribed_once = False
        self.resets = 0

    def _ensure_redis(self) -> None:
        if self._redis is None:
            super()._ensure_redis()
            redis: Any = self._redis
            pubsub = _WatchedPubSub(redis.connection_pool, event_dispatcher=redis._event_dispatcher)
            pubsub.shard = self
            self._pubsub = pubsub

    async def subscribe(self, channel: str) -> None:
        await super().subscribe(channel)
        self.subscribed_once = True

    async def publish_many(self, items: Sequence[tuple[str, bytes]]) -> None:
        """``PUBLISH`` each (channel, data) in order, in one round trip (a pipeline on one
        connection of the kept pool)."""
        async with self._lock:
            self._ensure_redis()
            async with self._redis.pipeline(transaction=False) as pipe:
                for channel, data in items:
                    pipe.publish(channel, data)
                await pipe.execute()

    def connected(self) -> None:
        """Any (re)connection after the first subscription may have lost messages."""
        if self.subscribed_once:
            self.resets += 1
            layer = self.channel_layer
            log.warning(
                "live: subscriber connection to Redis re-established; resetting %d sockets",
                len(layer.channels),
            )
            for queue in list(layer.channels.values()):
                queue.put_nowait(RESET)

    def _receive_message(self, message: dict[str, Any] | None) -> None:
        if message is None:
            return
        name = message["channel"]
        if isinstance(name, bytes):
            name = name.decode()
        layer = self.channel_layer
        channels = layer.channels
        if name in channels:
            channels[name].put_nowait(layer.channel_layer.deserialize(message["data"]))
            return
        members = layer.groups.get(name)
        if not members:
            return
        decoded = layer.channel_layer.deserialize(message["data"])  # once, for every member
        for channel in members:
            queue = channels.get(channel)
            if queue is not None:
                queue.put_nowait(decoded)


class LiveLoopLayer(RedisPubSubLoopLayer):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hosts = [shard.host for shard in getattr(self, "_shards")]  # noqa: B009  (untyped parent)
        self._shards = [LiveShard(host, self) for host in hosts]

    async def group_send_many(self, messages: Sequence[tuple[str, dict[str, Any]]]) -> list[bool]:
        """``group_send`` of every (group, message) in order: each run of messages for the
        same Redis shard in one pipeline (one round trip; with one Redis, the whole batch),
        the runs one after the other, so nothing leaves before what was queued ahead of it
        (the replay relies on a transaction's lower ids having gone out first,
        ``outbox.events_after``). Stops at the first failure. Returns, per message,
        whether it went out."""
        runs: list[tuple[LiveShard, list[tuple[str, bytes]]]] = []
        for group, message in messages:
            channel = self._get_group_channel_name(group)
            shard = self._get_shard(channel)
            if not runs or runs[-1][0] is not shard:
                runs.append((shard, []))
            runs[-1][1].append((channel, self.channel_layer.serialize(message)))
        sent: list[bool] = []
        for shard, items in runs:
            try:
                await shard.publish_many(items)
            except Exception:
                log.warning(
                    "live: publishing to Redis shard %d failed",
                    self._shards.index(shard),
                    exc_info=True,
                )
                break
            sent.extend([True] * len(items))
        return sent + [False] * (len(messages) - len(sent))

    async def receive(self, channel: str) -> Any:
        """As the parent's, minus the deserialisation ``_receive_message`` already did."""
        if channel not in self.channels:
            await self._subscribe_to_channel(channel)
        queue = self.channels[channel]
        try:
            return await queue.get()
        except BaseException:
            if channel in self.channels:
                del self.channels[channel]
                try:
                    await self._get_shard(channel).unsubscribe(channel)
                except Exception:
                    log.exception("live: could not unsubscribe %s", channel)
            raise


class LiveChannelLayer(RedisPubSubChannelLayer):  # type: ignore[misc]
    """``CHANNEL_LAYERS["default"]["BACKEND"]`` (project/settings.py)."""

    def receiver(self, channel: str) -> Callable[[], Awaitable[Any]]:
        """``receive`` for ``channel`` bound to this loop's layer, for a consumer's read
        loop: skips the proxy's per-call coroutine and layer lookup."""
        return functools.partial(self._get_layer().receive, channel)

    async def group_send_many(self, messages: Sequence[tuple[str, dict[str, Any]]]) -> list[bool]:
        """Many ``group_send`` in one round trip per shard (``LiveLoopLayer``)."""
        return await self._get_layer().group_send_many(messages)

    def _get_layer(self) -> LiveLoopLayer:
        loop = asyncio.get_running_loop()
        layer: LiveLoopLayer | None = self._layers.get(loop)
        if layer is None:
            layer = LiveLoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
        return layer
