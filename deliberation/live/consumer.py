"""The one websocket endpoint: ``/ws/live/?topics=a,b&lang=zh-hans``.

Policy decides at connect time which topics a user may join; after that the consumer only
forwards pre-rendered fragments: no query and no rendering per message. A client that
reconnects sends ``{"resume": <last event id>}`` and gets what it missed, in order.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from deliberation import policy

from .outbox import events_after
from .topics import group_name

MAX_TOPICS = 20
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_BAD_REQUEST = 4400


def _allowed(user: Any, topics: list[str]) -> bool:
    return all(policy.can_subscribe(user, t) for t in topics)


def _missed(topics: list[str], last_id: int) -> list[tuple[int, dict[str, str]]]:
    return [(e.pk, e.html) for e in events_after(topics, last_id)]


class LiveConsumer(AsyncJsonWebsocketConsumer):
    topics: list[str]
    lang: str

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode())
        topics = [t for t in ",".join(query.get("topics", [])).split(",") if t]
        languages = {code for code, _ in settings.LANGUAGES}
        lang = (query.get("lang") or [settings.LANGUAGE_CODE])[0]
        self.lang = lang if lang in languages else settings.LANGUAGE_CODE
        if not topics or len(topics) > MAX_TOPICS:
            await self.close(code=CLOSE_BAD_REQUEST)
            return
        if not await database_sync_to_async(_allowed)(user, topics):
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.topics = sorted(set(topics))
        for t in self.topics:
            await self.channel_layer.group_add(group_name(t), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for t in getattr(self, "topics", []):
            await self.channel_layer.group_discard(group_name(t), self.channel_name)

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
            for event_id, html in await database_sync_to_async(_missed)(self.topics, resume):
                await self._send_fragment(event_id, html)

    async def live_event(self, message: dict[str, Any]) -> None:
        await self._send_fragment(message["id"], message["html"])

    async def _send_fragment(self, event_id: int, html: dict[str, str]) -> None:
        text = html.get(self.lang) or next(iter(html.values()), "")
        await self.send(text_data=f"<!--ev:{event_id}-->{text}")
