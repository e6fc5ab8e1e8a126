"""The one websocket endpoint: ``/ws/live/?topics=a,b&lang=zh-hans``.

Policy decides at connect time which topics a user may join; after that the consumer only
forwards pre-rendered fragments: no query and no rendering per message. A client that
reconnects sends ``{"resume": <last event id>}`` and gets what it missed, in order.

Each socket joins one group per topic *in its language* (``group_name(topic, lang)``): the
outbox publishes every language to its own group with the text already framed, so a push
is one ``send`` of a ready string. When the channel layer may have lost messages (its Redis
connection came back, ``deliberation/live/layer.py``), the socket is closed with 1012
("service restart"): the page reconnects and replays from the outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from deliberation import policy

from .outbox import MESSAGE_TYPE, events_after, frame
from .topics import group_name, parse_topic

MAX_TOPICS = 20
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400
CLOSE_RESET = 1012  # service restart: reconnect (and replay) at once


def _allowed(user: Any, topics: list[str]) -> bool:
    return all(policy.can_subscribe(user, t) for t in topics)


def _missed(topics: list[str], last_id: int, lang: str) -> list[str]:
    return [frame(e.pk, _in_language(e.html, lang)) for e in events_after(topics, last_id)]


def _in_language(html: dict[str, str], lang: str) -> str:
    return html.get(lang) or next(iter(html.values()), "")


class LiveConsumer(AsyncJsonWebsocketConsumer):
    topics: list[str]
    lang: str
    push_send: Callable[[dict[str, Any]], Awaitable[None]]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """As channels' ``AsyncConsumer.__call__``, with one long-lived reader per source
        (the socket, the channel layer) instead of ``await_many_dispatch``, which creates a
        task and runs an ``asyncio.wait`` for every message: a push costs one task step.
        A lock keeps channels' guarantee that messages are handled one at a time (so a push
        waits while a replay is being sent, and order holds)."""
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        if self.channel_layer is None:
            self.push_send = send
            await super().__call__(scope, receive, send)
            return
        self.channel_name = await self.channel_layer.new_channel()
        receive_from = getattr(self.channel_layer, "receiver", None)
        self.channel_receive = (
            receive_from(self.channel_name)
            if receive_from is not None
            else functools.partial(self.channel_layer.receive, self.channel_name)
        )
        self.base_send = send
        # channels' session middleware wraps ``send`` to save the session on an HTTP
        # response or a websocket accept; for a push it only reads the lazy session. Pushes
        # go to the server's own send (what the wrapper itself calls for them).
        self.push_send = getattr(getattr(send, "__self__", None), "real_send", send)
        one_at_a_time = asyncio.Lock()

        async def read(source: Callable[[], Awaitable[Any]]) -> None:
            while True:
                message = await source()
                async with one_at_a_time:
                    await self.dispatch(message)

        readers = [
            asyncio.ensure_future(read(receive)),
            asyncio.ensure_future(read(self.channel_receive)),
        ]
        try:
            done, _ = await asyncio.wait(readers, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise what ended it (StopConsumer on disconnect)
        except StopConsumer:
            pass
        finally:
            for task in readers:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopConsumer):
                    await task

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("utf-8", "replace"))
        topics = [t for t in ",".join(query.get("topics", [])).split(",") if t]
        languages = {code for code, _ in settings.LANGUAGES}
        lang = (query.get("lang") or [settings.LANGUAGE_CODE])[0]
        self.lang = lang if lang in languages else settings.LANGUAGE_CODE
        if not topics or len(topics) > MAX_TOPICS or not all(map(parse_topic, topics)):
            await self.close(code=CLOSE_BAD_REQUEST)
            return
        if not await database_sync_to_async(_allowed)(user, topics):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.topics = sorted(set(topics))
        for t in self.topics:
            await self.channel_layer.group_add(group_name(t, self.lang), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for t in getattr(self, "topics", []):
            await self.channel_layer.group_discard(group_name(t, self.lang), self.channel_name)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None  # ignore garbage rather than dropping the connection

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        resume = content.get("resume")
        if isinstance(resume, int) and not isinstance(resume, bool) and resume >= 0:
            missed = await database_sync_to_async(_missed)(self.topics, resume, self.lang)
            for text in missed:
                await self._send_fragment(text)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Pushes skip channels' per-message ``aclose_old_connections()`` (a hop to the
        database thread and back for every socket): forwarding a string touches no database."""
        if message["type"] == MESSAGE_TYPE:
            await self._send_fragment(message["text"])
        else:
            await super().dispatch(message)

    async def live_event(self, message: dict[str, Any]) -> None:
        await self._send_fragment(message["text"])

    async def live_reset(self, message: dict[str, Any]) -> None:
        await self.close(code=CLOSE_RESET)

    async def _send_fragment(self, text: str) -> None:
        await self.push_send({"type": "websocket.send", "text": text})
