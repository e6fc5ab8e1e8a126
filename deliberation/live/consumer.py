"""The one websocket endpoint: ``/ws/live/?topics=a,b&lang=zh-hans``.

Policy decides at connect time which topics a user may join; after that the consumer only
forwards pre-rendered fragments: no query and no rendering per message. A client that
reconnects sends ``{"resume": <cursor>}`` (once per socket) and gets what it missed, in order
(or, when its cursor is older than the pruned outbox, a marker to fetch its page again).

The right to listen is re-decided while the socket is open (``access.py``): on an
``access.changed`` message to the user's group (logout, session deleted, user, membership or
residency changed), on every ``resume``, and every ``YISHI_LIVE_RECHECK_SECONDS`` (session
expiry, changes made without signals). A socket that lost it stops forwarding at once and
closes with 4401 (no longer authenticated) or 4403 (a topic no longer allowed).

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
import logging
import random
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import get_channel_layer
from django.conf import settings

from deliberation import policy

from .access import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, access_group, still_allowed
from .outbox import MESSAGE_TYPE, events_after, frame, last_event_id, pruned_past, stale_marker
from .topics import group_name, parse_topic

log = logging.getLogger("yishi.live")

MAX_TOPICS = 20
CLOSE_BAD_REQUEST = 4400  # also: a second ``resume`` on the same socket
CLOSE_RESET = 1012  # service restart: reconnect (and replay) at once

#: A replay sends at most this many events and this many characters; if there was more,
#: the socket closes with 1012 after it and the page resumes from where it got to.
REPLAY_MAX_EVENTS = 200
REPLAY_MAX_CHARS = 1_000_000

__all__ = ["CLOSE_BAD_REQUEST", "CLOSE_FORBIDDEN", "CLOSE_RESET", "CLOSE_UNAUTHENTICATED"]


def _allowed(user: Any, topics: list[str]) -> bool:
    return all(policy.can_subscribe(user, t) for t in topics)


def _resume(
    session_key: str | None, user_id: int, topics: list[str], last_id: int, lang: str
) -> tuple[int | None, list[str], bool]:
    """Re-check the right to the topics, then what the socket missed: (close code or None,
    frames, whether more is left than one replay may carry). Events that committed late
    (below ``last_id``, ``events_after``) come first; what does not fit of them is dropped,
    what does not fit of the rest is left for the next connection.

    A page whose cursor is older than the outbox keeps (``YISHI_OUTBOX_KEEP_DAYS``: what it
    missed may be pruned) gets no replay but one marker telling it to fetch its page again,
    with the cursor to go on from: a full refresh, never a silent gap."""
    refused = still_allowed(session_key, user_id, topics)
    if refused is not None:
        return refused, [], False
    if pruned_past(last_id):
        return None, [stale_marker(last_event_id())], False
    events = events_after(topics, last_id, limit=REPLAY_MAX_EVENTS + 1)
    late = [e for e in events if e.pk < last_id][:REPLAY_MAX_EVENTS]
    after = [e for e in events if e.pk > last_id]
    more = len(after) > REPLAY_MAX_EVENTS
    frames: list[str] = []
    size = sent_after = 0
    for event in late + after[:REPLAY_MAX_EVENTS]:
        text = frame(event.pk, _in_language(event.html, lang))
        if size + len(text) > REPLAY_MAX_CHARS and (event.pk < last_id or sent_after):
            if event.pk < last_id:
                continue
            return None, frames, True
        size += len(text)
        frames.append(text)
        sent_after += event.pk > last_id
    return None, frames, more


async def _dropped(message: dict[str, Any]) -> None:
    """Where pushes go once a socket lost its right to them."""


def _in_language(html: dict[str, str], lang: str) -> str:
    return html.get(lang) or next(iter(html.values()), "")


class LiveConsumer(AsyncJsonWebsocketConsumer):
    topics: list[str]
    lang: str
    user_id: int
    session_key: str | None
    resumed = False
    revoked = False
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
        watcher = asyncio.ensure_future(self._recheck_periodically(one_at_a_time))
        try:
            done, _ = await asyncio.wait(readers, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                task.result()  # re-raise what ended it (StopConsumer on disconnect)
        except StopConsumer:
            pass
        finally:
            for task in [*readers, watcher]:
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
        session = self.scope.get("session")
        self.user_id = user.pk
        self.session_key = getattr(session, "session_key", None)
        # The access group first: a change announced from here on reaches this socket.
        await self.channel_layer.group_add(access_group(user.pk), self.channel_name)
        self.topics = sorted(set(topics))
        for t in self.topics:
            await self.channel_layer.group_add(group_name(t, self.lang), self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave_groups()

    async def _leave_groups(self) -> None:
        if not hasattr(self, "topics"):
            return
        for t in self.topics:
            await self.channel_layer.group_discard(group_name(t, self.lang), self.channel_name)
        await self.channel_layer.group_discard(access_group(self.user_id), self.channel_name)

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        try:
            return json.loads(text_data)
        except ValueError:
            return None  # ignore garbage rather than dropping the connection

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict) or self.revoked:
            return
        resume = content.get("resume")
        if isinstance(resume, int) and not isinstance(resume, bool) and resume >= 0:
            if self.resumed:  # one replay per socket: replays are what costs
                await self._revoke(CLOSE_BAD_REQUEST)
                return
            self.resumed = True
            refused, missed, more = await database_sync_to_async(_resume)(
                self.session_key, self.user_id, self.topics, resume, self.lang
            )
            if refused is not None:
                await self._revoke(refused)
                return
            for text in missed:
                await self._send_fragment(text)
            if more:
                await self._revoke(CLOSE_RESET)

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

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Something that may take this user's right away has committed. Handled like a
        push (in order, one at a time), so no push sent after the change gets through."""
        if self.revoked or not hasattr(self, "topics"):
            return
        ended = message.get("ended_session")
        if ended is not None and ended == self.session_key:
            await self._revoke(CLOSE_UNAUTHENTICATED)
            return
        refused = await database_sync_to_async(still_allowed)(
            self.session_key, self.user_id, self.topics
        )
        if refused is not None:
            await self._revoke(refused)

    async def _recheck_periodically(self, one_at_a_time: asyncio.Lock) -> None:
        """The safety net for what sends no signal (a session expiring, ``QuerySet.update``):
        each socket re-checks every ``YISHI_LIVE_RECHECK_SECONDS``, the first time after a
        random part of that, so that sockets opened together do not re-check together.
        The database work runs outside the lock: pushes keep flowing meanwhile."""
        period = float(settings.YISHI_LIVE_RECHECK_SECONDS)
        await asyncio.sleep(period * random.uniform(0.5, 1.0))  # noqa: S311 (not security)
        while True:
            if hasattr(self, "topics") and not self.revoked:
                try:
                    refused = await database_sync_to_async(still_allowed)(
                        self.session_key, self.user_id, self.topics
                    )
                except Exception:  # database away: pushes need none; try again next period
                    log.warning("live access re-check failed", exc_info=True)
                    refused = None
                if refused is not None:
                    async with one_at_a_time:
                        await self._revoke(refused)
            await asyncio.sleep(period)

    async def _revoke(self, code: int) -> None:
        """Stop forwarding at once (pushes already queued are dropped), leave the groups,
        close with ``code``."""
        if self.revoked:
            return
        self.revoked = True
        self.push_send = _dropped
        await self._leave_groups()
        await self.close(code=code)

    async def _send_fragment(self, text: str) -> None:
        # After ``_revoke`` this is ``_dropped``: no per-message check of the right.
        await self.push_send({"type": "websocket.send", "text": text})
