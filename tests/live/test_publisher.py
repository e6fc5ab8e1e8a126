"""The kept publisher: a transaction's events leave together, in order, after the commit, over
one kept Redis connection per process — from request threads, plain threads and forked
job workers alike (deliberation/live/publisher.py)."""

from __future__ import annotations

import asyncio
import os
import re
import threading
from collections.abc import Callable

import pytest
import redis
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction

from deliberation.live import publisher
from deliberation.live.outbox import record_event
from deliberation.live.topics import group_name
from deliberation.models import Event
from tests.support.clients import communicator, login_client

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATE = "compounds/_announcement_board.html"


def board_path(compound_id: int) -> str:
    return f"/ws/live/?topics=compound:{compound_id}:public&lang=en"


def record(compound) -> Event:
    """One event on the compound's board, in the caller's transaction."""
    return record_event(
        topic=f"compound:{compound.pk}:public",
        kind="test",
        template=TEMPLATE,
        context={"compound": compound, "announcements": []},
    )


def frame_id(text: str) -> int:
    found = re.match(r"<!--ev:(\d+)-->", text)
    assert found, text[:80]
    return int(found.group(1))


def in_plain_thread(work: Callable[[], object]) -> None:
    """Run ``work`` on a thread of its own, outside any event loop (a job worker's)."""
    failure: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001  (re-raised on the test's thread)
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive()
    if failure:
        raise failure[0]


def test_a_transaction_s_events_arrive_together_in_order(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))
    compound = tdemo.tuanjie

    def write() -> list[int]:
        with transaction.atomic():
            return [record(compound).pk for _ in range(5)]

    async def scenario() -> None:
        comm = communicator(client, board_path(compound.pk))
        assert (await comm.connect())[0]
        ids = await database_sync_to_async(write)()
        received = [frame_id(await comm.receive_from(timeout=5)) for _ in ids]
        assert received == ids
        assert await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()

    async_to_sync(scenario)()
    assert publisher.flush()
    assert Event.objects.filter(kind="test", published_at__isnull=True).count() == 0


def test_a_rolled_back_savepoint_s_event_is_never_published(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))
    compound = tdemo.tuanjie

    def write() -> tuple[int, int]:
        with transaction.atomic():
            kept = record(compound).pk
            with pytest.raises(RuntimeError), transaction.atomic():
                record(compound)
                raise RuntimeError("undo the savepoint")
            return kept, record(compound).pk

    async def scenario() -> None:
        comm = communicator(client, board_path(compound.pk))
        assert (await comm.connect())[0]
        first, last = await database_sync_to_async(write)()
        assert frame_id(await comm.receive_from(timeout=5)) == first
        assert frame_id(await comm.receive_from(timeout=5)) == last
        assert await comm.receive_nothing(timeout=0.5)
        await comm.disconnect()

    async_to_sync(scenario)()
    assert publisher.flush()
    published = Event.objects.filter(kind="test").values_list("published_at", flat=True)
    assert len(published) == 2 and None not in published


def test_a_plain_thread_publishes_over_the_kept_connection(tdemo, redis_server) -> None:
    """A writer outside any event loop (a job worker): five transactions, from two threads,
    open no Redis connection once the process's publisher has its own."""
    client = login_client(tdemo.user("jumin"))
    compound = tdemo.tuanjie
    stats = redis.Redis.from_url(redis_server.url)

    def opened() -> int:
        return int(stats.info("stats")["total_connections_received"])

    def write(count: int) -> list[int]:
        ids = []
        for _ in range(count):
            with transaction.atomic():
                ids.append(record(compound).pk)
        return ids

    async def scenario() -> None:
        comm = communicator(client, board_path(compound.pk))
        assert (await comm.connect())[0]
        warm: list[int] = []
        await asyncio.to_thread(in_plain_thread, lambda: warm.extend(write(1)))
        assert frame_id(await comm.receive_from(timeout=5)) == warm[0]
        before = opened()
        ids: list[int] = []
        for _ in range(2):  # another thread, the same publisher and connection
            await asyncio.to_thread(in_plain_thread, lambda: ids.extend(write(3)))
        received = [frame_id(await comm.receive_from(timeout=5)) for _ in ids]
        assert received == ids
        assert opened() == before
        await comm.disconnect()

    async_to_sync(scenario)()
    stats.close()


def _fork_a_worker(group: str) -> int:
    """Fork (as Celery's prefork pool does); the child queues one message and exits with 0
    if its own publisher sent it. Returns the child's exit status."""
    pid = os.fork()
    if pid == 0:  # the child: the parent's publisher (and its thread) is not inherited
        code = 1
        try:
            if publisher._publisher is None:
                message = {"type": "live.event", "id": 0, "text": "child"}
                publisher.get().submit([(None, group, message)])
                code = 0 if publisher.flush(10) else 1
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_a_forked_worker_starts_its_own_publisher(tdemo) -> None:
    layer = get_channel_layer()
    group = group_name(f"compound:{tdemo.tuanjie.pk}:public", "en")
    publisher.get().submit([(None, group, {"type": "live.event", "id": 0, "text": "parent"})])
    assert publisher.flush()

    async def scenario() -> None:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        await asyncio.sleep(0.1)
        assert await asyncio.to_thread(_fork_a_worker, group) == 0
        message = await asyncio.wait_for(layer.receive(channel), 5)
        assert message["text"] == "child"
        await layer.group_discard(group, channel)

    async_to_sync(scenario)()


def test_the_in_memory_layer_is_sent_to_on_the_caller_s_loop(tdemo, settings) -> None:
    """Embedded ``make run`` (no Redis): the layer's queues belong to the server's loop, so
    events go out there, before the writer's request returns."""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    layer = get_channel_layer()
    assert not publisher.serves(layer)
    compound = tdemo.tuanjie

    def write() -> Event:
        with transaction.atomic():
            event = record(compound)
        event.refresh_from_db()
        return event

    async def scenario() -> None:
        channel = await layer.new_channel()
        await layer.group_add(group_name(f"compound:{compound.pk}:public", "en"), channel)
        event = await database_sync_to_async(write)()
        assert event.published_at is not None
        message = await asyncio.wait_for(layer.receive(channel), 5)
        assert message["id"] == event.pk and "Notice board" in message["text"]

    async_to_sync(scenario)()
