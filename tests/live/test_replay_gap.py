"""Replay finds an event that committed after a later-numbered one (issue 16, part 6).

Two overlapping writer transactions on PostgreSQL: the slow one numbers its event first and
commits last. A client that saw the fast one (the higher id) and reconnected in between used
to resume past the slow one and never get it."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction

from deliberation.live.outbox import events_after, messages_for
from deliberation.models import Event
from tests.concurrency import run_together
from tests.support.clients import communicator, login_client

pytestmark = pytest.mark.django_db(transaction=True)


class Overlap:
    """``slow`` records its event, then waits; ``fast`` records and commits its own in the
    meantime; ``finish()`` lets ``slow`` commit. Both on their own threads and connections."""

    def __init__(self, topic: str) -> None:
        self.topic = topic
        self.slow_numbered = threading.Event()
        self.fast_committed = threading.Event()
        self.release = threading.Event()

    def _record(self, text: str) -> Event:
        return Event.objects.create(topic=self.topic, kind="test", html={"en": f"<p>{text}</p>"})

    def slow(self) -> int:
        with transaction.atomic():
            event = self._record("slow")
            self.slow_numbered.set()
            assert self.release.wait(20)
        return event.pk

    def fast(self) -> Event:
        assert self.slow_numbered.wait(20)
        with transaction.atomic():
            event = self._record("fast")
        self.fast_committed.set()
        return event

    def finish(self) -> None:
        self.release.set()


def test_replay_includes_an_event_that_committed_after_a_later_numbered_one(tdemo) -> None:
    assert connection.vendor == "postgresql"
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    client = login_client(tdemo.user("jumin"))
    race = Overlap(topic)

    async def scenario() -> None:
        comm = communicator(client, f"/ws/live/?topics={topic}&lang=en")
        assert (await comm.connect())[0]
        writers = asyncio.ensure_future(asyncio.to_thread(run_together, [race.slow, race.fast]))
        assert await asyncio.to_thread(race.fast_committed.wait, 20)
        fast = await database_sync_to_async(Event.objects.get)(html__en="<p>fast</p>")
        for group, message in messages_for(fast):  # its push after commit
            await get_channel_layer().group_send(group, message)
        got = await comm.receive_from(timeout=5)
        assert got.startswith(f"<!--ev:{fast.pk}-->")
        await comm.disconnect()  # the page goes away while the slow writer is still open

        race.finish()
        slow_id, fast_event = await writers
        assert isinstance(slow_id, int) and isinstance(fast_event, Event), (slow_id, fast_event)
        assert slow_id < fast.pk  # numbered first, committed last

        again = communicator(client, f"/ws/live/?topics={topic}&lang=en")
        assert (await again.connect())[0]
        await again.send_json_to({"resume": fast.pk})
        replayed = [await again.receive_from(timeout=5)]
        while not await again.receive_nothing(timeout=0.5):
            replayed.append(await again.receive_from(timeout=5))
        await again.disconnect()
        ids = [int(m.split("-->", 1)[0].removeprefix("<!--ev:")) for m in replayed]
        assert f"<!--ev:{slow_id}--><p>slow</p>" in replayed, replayed
        assert fast.pk not in ids, "the fast one again"
        # Anything else is what the horizon re-sends by design (it is cluster-wide: a long
        # transaction of another xdist worker holds it back; the page drops what it has):
        # numbered below the cursor, written by a transaction at or above its horizon.
        horizon = await database_sync_to_async(lambda: Event.objects.get(pk=fast.pk).horizon)()
        others = await database_sync_to_async(
            lambda: list(Event.objects.filter(pk__in=set(ids) - {slow_id}).values("id", "tx"))
        )()
        assert all(e["id"] < fast.pk and e["tx"] >= horizon for e in others), (horizon, others)
        assert ids == sorted(ids), "oldest first"

    async_to_sync(scenario)()


def test_events_of_the_cursors_own_and_of_earlier_finished_transactions_are_not_repeated(
    tdemo,
) -> None:
    topic = f"compound:{tdemo.tuanjie.pk}:public"

    def record(*texts: str) -> list[int]:
        with transaction.atomic():
            return [
                Event.objects.create(topic=topic, kind="test", html={"en": t}).pk for t in texts
            ]

    (earlier,) = record("earlier")
    first, second = record("a", "b")
    # The cursor's own transaction is never re-sent. An earlier, finished one is re-sent only
    # if some transaction older than it was still running when the cursor's row was written
    # (the horizon is cluster-wide: under xdist another worker's database counts): every
    # repeated event lies at or above the cursor's horizon.
    horizon = Event.objects.get(pk=second).horizon
    repeated = events_after([topic], second)
    assert first not in [e.pk for e in repeated]
    assert all(e.tx is not None and e.tx >= horizon for e in repeated)
    if Event.objects.get(pk=earlier).tx < horizon:  # nothing older was running
        assert repeated == []
    since_earlier = events_after([topic], earlier)
    assert [e.pk for e in since_earlier if e.pk > earlier] == [first, second]
    earlier_horizon = Event.objects.get(pk=earlier).horizon
    assert all(e.tx >= earlier_horizon for e in since_earlier if e.pk < earlier)


def test_a_transaction_still_open_is_not_replayed_until_it_commits(tdemo) -> None:
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    race = Overlap(topic)
    seen: dict[str, Any] = {}

    def fast_then_look() -> Event:
        event = race.fast()
        seen["while_open"] = [e.pk for e in events_after([topic], 0)]
        race.finish()
        return event

    slow_id, fast = run_together([race.slow, fast_then_look])
    assert isinstance(slow_id, int) and isinstance(fast, Event), (slow_id, fast)
    assert slow_id not in seen["while_open"] and fast.pk in seen["while_open"]
    assert [e.pk for e in events_after([topic], fast.pk)] == [slow_id]
