"""One kept publisher per process: what a transaction queued for live pushes leaves together,
after the commit, over one Redis connection that stays open.

Why: a writer outside the ASGI server (a job worker, a management command, the benchmark's
driver) has no event loop of its own, and ``async_to_sync`` made a fresh one for every
event: a new thread, loop and Redis connection each time, so the last of a transaction's
five events left ~15 ms after the commit (docs/benchmarks.md, "Notes on the 19:12 run").

How: ``on_commit`` callbacks only queue (``submit``); nothing in the writer's thread waits
for Redis. A daemon thread with its own event loop takes whatever is queued — a
transaction's callbacks run one after the other, so its events are normally all there — and
sends it in one round trip (``LiveChannelLayer.group_send_many``: one pipeline per run of
messages for the same Redis shard), then marks the events that went out with one
``UPDATE``. One queue, one thread, one pipeline at a time: events leave in the order they
were queued. Django itself drops the callbacks of a rolled-back savepoint, so what was
undone is never queued. The ``UPDATE`` runs on the thread's own database connection, kept
or closed by ``CONN_MAX_AGE`` as a request's is (with 0, one connection per batch: set
``DB_CONN_MAX_AGE`` in production).

Which layers: the Redis ones, reachable from any event loop — in every process, the web
workers included (their request threads stop waiting on Redis as well). Not the in-memory
layer of the embedded ``make run``: its queues belong to the server's loop, so events are
sent there as before (``deliberation.live.outbox.publish_events``).

Processes: the thread starts when the process first queues, so a Celery prefork child
starts its own; a forked child forgets its parent's publisher (the thread does not survive
a fork; its lock might be held). At exit the queue is flushed (``atexit``; Celery's
children exit without it: ``deliberation/tasks/__init__.py`` flushes on
``worker_process_shutdown``). Whatever is still queued when a process dies, or could not be
sent (Redis away), stays unpublished in the outbox, and ``publish_pending`` sends it later.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Sequence
from typing import Any

from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import close_old_connections
from django.utils import timezone

from deliberation.models import Event

log = logging.getLogger("yishi.live")

#: (outbox event id or ``None``, group, message): the id is marked published once every
#: message carrying it went out.
Message = tuple[int | None, str, dict[str, Any]]

#: How long a caller that waits for its messages (``publish_pending``) waits at most.
WAIT_SECONDS = 30.0


def serves(layer: Any) -> bool:
    """Whether ``layer`` can be published to from the publisher's own event loop."""
    return isinstance(layer, RedisPubSubChannelLayer | RedisChannelLayer)


class Submission:
    """Messages queued together; ``sent`` (event ids that went out) is set when ``done``."""

    __slots__ = ("done", "mark", "messages", "sent")

    def __init__(self, messages: list[Message], *, mark: bool) -> None:
        self.messages = messages
        self.mark = mark
        self.sent: list[int] = []
        self.done = threading.Event()

    def wait(self, timeout: float | None = WAIT_SECONDS) -> list[int]:
        """The ids that went out (none if the publisher did not finish in time)."""
        return self.sent if self.done.wait(timeout) else []


class KeptPublisher:
    """The process's publisher thread, its event loop and, through the channel layer's
    per-loop connections, its kept Redis connection."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._queue: list[Submission] = []
        self._last: Submission | None = None
        self._thread: threading.Thread | None = None
        self.batches = 0

    def submit(self, messages: list[Message], *, mark: bool = True) -> Submission:
        """Queue ``messages``; with ``mark`` the publisher marks their events published,
        otherwise the caller does (it waits for ``Submission.wait``)."""
        submission = Submission(messages, mark=mark)
        with self._cond:
            self._queue.append(submission)
            self._last = submission
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="yishi-live-publisher", daemon=True
                )
                self._thread.start()
            self._cond.notify()
        return submission

    def flush(self, timeout: float | None = WAIT_SECONDS) -> bool:
        """Wait until everything queued so far has been sent (or has failed)."""
        with self._cond:
            last = self._last
        return last is None or last.done.wait(timeout)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        while True:
            with self._cond:
                while not self._queue:
                    self._cond.wait()
                batch, self._queue = self._queue, []
            try:
                self._publish(loop, batch)
            except Exception:  # never let the thread die: later events still need it
                log.exception("live: the publisher failed on a batch; kept in the outbox")
            finally:
                for submission in batch:
                    submission.done.set()

    def _publish(self, loop: asyncio.AbstractEventLoop, batch: list[Submission]) -> None:
        self.batches += 1
        messages = [m for s in batch for m in s.messages]
        try:
            sent = loop.run_until_complete(_send(get_channel_layer(), messages))
        except Exception:  # the layer is unreachable: the outbox keeps them for a retry
            log.warning("live: publishing %d message(s) failed", len(messages), exc_info=True)
            sent = [False] * len(messages)
        failed = {key for (key, _g, _m), ok in zip(messages, sent, strict=True) if not ok}
        if failed:
            log.warning("live publish failed for %d event(s); kept in the outbox", len(failed))
        for submission in batch:
            ids = dict.fromkeys(k for k, _g, _m in submission.messages if k is not None)
            submission.sent = [k for k in ids if k not in failed]
        _mark_published([k for s in batch if s.mark for k in s.sent])


async def _send(layer: Any, messages: Sequence[Message]) -> list[bool]:
    """Whether each message went out: in one round trip per shard with our layer, one
    ``group_send`` after the other (stopping at the first failure) with another."""
    pairs = [(group, message) for _key, group, message in messages]
    many = getattr(layer, "group_send_many", None)
    if many is not None:
        return list(await many(pairs))
    sent: list[bool] = []
    for group, message in pairs:
        try:
            await layer.group_send(group, message)
        except Exception:
            log.warning("live: group_send to %s failed", group, exc_info=True)
            break
        sent.append(True)
    return sent + [False] * (len(pairs) - len(sent))


def _mark_published(ids: list[int]) -> None:
    """One ``UPDATE`` for the batch, on the publisher thread's own database connection,
    kept or closed by ``CONN_MAX_AGE`` as a request's would be."""
    if not ids:
        return
    close_old_connections()
    try:
        Event.objects.filter(pk__in=ids).update(published_at=timezone.now())
    except Exception:  # sent but not marked: publish_pending sends them again (ids dedupe)
        log.warning("live: could not mark %d event(s) published", len(ids), exc_info=True)
    finally:
        close_old_connections()


_lock = threading.Lock()
_publisher: KeptPublisher | None = None


def get() -> KeptPublisher:
    """This process's publisher (made on first use)."""
    global _publisher
    with _lock:
        if _publisher is None:
            _publisher = KeptPublisher()
        return _publisher


def flush(timeout: float | None = WAIT_SECONDS) -> bool:
    """Wait until this process's queued live messages are out (tests, shutdown)."""
    publisher = _publisher
    return publisher is None or publisher.flush(timeout)


def _forget_after_fork() -> None:
    global _lock, _publisher
    _lock = threading.Lock()
    _publisher = None


os.register_at_fork(after_in_child=_forget_after_fork)
atexit.register(flush, 5.0)
