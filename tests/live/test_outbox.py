"""The outbox: recorded in the writer's transaction, published on commit, retried later."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from deliberation.live.outbox import publish_pending, record_event
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
    event.refresh_from_db()
    assert set(event.html) == {"zh-hans", "en"}
    assert "公告栏" in event.html["zh-hans"] and "Notice board" in event.html["en"]
    assert event.published_at is not None


def test_failed_publish_stays_in_outbox_and_is_retried(tdemo, redis_server) -> None:
    layer = get_channel_layer()
    group = group_name(f"compound:{tdemo.tuanjie.pk}:public")

    async def listen() -> str:
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        return channel

    channel = async_to_sync(listen)()
    redis_server.stop()
    try:
        event = record(tdemo.tuanjie)  # commit succeeds; the publish fails
    finally:
        redis_server.start()
    event.refresh_from_db()
    assert event.published_at is None

    async def relisten() -> None:  # Redis lost its state with the restart
        await layer.flush() if hasattr(layer, "flush") else None
        await layer.group_add(group, channel)

    async_to_sync(relisten)()
    assert publish_pending(older_than=0) == 1
    event.refresh_from_db()
    assert event.published_at is not None

    async def receive() -> dict:
        return await layer.receive(channel)

    message = async_to_sync(receive)()
    assert message["id"] == event.pk and message["type"] == "live.event"
