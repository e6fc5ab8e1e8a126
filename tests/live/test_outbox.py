"""The outbox: recorded in the writer's transaction, published on commit, retried later."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deliberation.live import publisher
from deliberation.live.layer import RESET
from deliberation.live.outbox import batched, publish_pending, record_event
from deliberation.live.topics import group_name
from deliberation.models import Event

pytestmark = pytest.mark.django_db(transaction=True)

TEMPLATE = "compounds/_announcement_board.html"


def record(compound) -> Event:
    with transaction.atomic():
        return record_event(
            topic=f"compound:{compound.pk}:public",
            kind="test",
            template=TEMPLATE,
            context={"compound": compound, "announcements": []},
        )


def test_record_outside_a_transaction_is_refused(tdemo) -> None:
    with pytest.raises(RuntimeError):
        record_event(topic="compound:1:public", kind="x", template=TEMPLATE, context={})


def test_fragment_rendered_once_per_language(tdemo) -> None:
    event = record(tdemo.tuanjie)
    assert publisher.flush()  # published by the process's publisher thread, after the commit
    event.refresh_from_db()
    assert set(event.html) == {"zh-hans", "en"}
    assert "公告栏" in event.html["zh-hans"] and "Notice board" in event.html["en"]
    assert event.published_at is not None


def test_failed_publish_stays_in_outbox_and_is_retried(tdemo, redis_server) -> None:
    layer = get_channel_layer()
    compound = tdemo.tuanjie
    topic = f"compound:{compound.pk}:public"

    async def scenario() -> None:
        channels = {}
        for lang in ("zh-hans", "en"):
            channels[lang] = await layer.new_channel()
            await layer.group_add(group_name(topic, lang), channels[lang])
        redis_server.stop()
        try:
            event = await database_sync_to_async(record)(compound)  # commit; publish fails
            assert await database_sync_to_async(publisher.flush)()
        finally:
            redis_server.start()
        await database_sync_to_async(event.refresh_from_db)()
        assert event.published_at is None
        # The subscriber connection comes back: the layer tells its channels to reset.
        assert (await asyncio.wait_for(layer.receive(channels["en"]), 15)) == RESET
        assert await database_sync_to_async(publish_pending)(older_than=0) == 1
        await database_sync_to_async(event.refresh_from_db)()
        assert event.published_at is not None
        while (message := await asyncio.wait_for(layer.receive(channels["en"]), 5)) == RESET:
            pass
        assert message["id"] == event.pk and message["type"] == "live.event"
        assert message["text"].startswith(f"<!--ev:{event.pk}-->")
        assert "Notice board" in message["text"] and "公告栏" not in message["text"]
        await layer.flush()

    async_to_sync(scenario)()


def test_each_language_goes_to_its_own_group(tdemo) -> None:
    layer = get_channel_layer()
    compound = tdemo.tuanjie
    topic = f"compound:{compound.pk}:public"

    async def scenario() -> None:
        zh = await layer.new_channel()
        await layer.group_add(group_name(topic, "zh-hans"), zh)
        await asyncio.sleep(0.1)
        event = await database_sync_to_async(record)(compound)
        message = await asyncio.wait_for(layer.receive(zh), 5)
        assert message["id"] == event.pk
        assert "公告栏" in message["text"] and "Notice board" not in message["text"]
        await layer.flush()

    async_to_sync(scenario)()


def _board(compound, kind: str) -> Event:
    return record_event(
        topic=f"compound:{compound.pk}:public",
        kind=kind,
        template=TEMPLATE,
        context={"compound": compound, "announcements": []},
    )


def test_batched_events_go_in_together_at_the_end_and_are_published(tdemo) -> None:
    compound = tdemo.tuanjie
    before = Event.objects.count()
    with transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        with batched():
            first, second = _board(compound, "one"), _board(compound, "two")
            assert first.pk is None and Event.objects.count() == before  # not yet
        assert first.pk is not None and second.pk == first.pk + 1  # recorded order
    inserts = [
        q for q in ctx.captured_queries if q["sql"].startswith('INSERT INTO "deliberation_event"')
    ]
    assert len(inserts) == 1
    assert publisher.flush()
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.published_at is not None and second.published_at is not None


def test_batched_leaves_out_what_a_rolled_back_savepoint_recorded(tdemo) -> None:
    compound = tdemo.tuanjie
    with transaction.atomic(), batched():
        kept = _board(compound, "kept")
        try:
            with transaction.atomic():
                _board(compound, "undone")
                raise ValueError
        except ValueError:
            pass
    assert kept.pk is not None
    assert list(
        Event.objects.filter(kind__in=["kept", "undone"]).values_list("kind", flat=True)
    ) == ["kept"]
    assert publisher.flush()


def test_batched_outside_a_transaction_is_refused(tdemo) -> None:
    with pytest.raises(RuntimeError), batched():
        pass
