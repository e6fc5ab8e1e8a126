"""The live consumer against the real Redis channel layer and PostgreSQL."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import transaction

from deliberation.live.consumer import CLOSE_FORBIDDEN, CLOSE_RESET, CLOSE_UNAUTHENTICATED
from deliberation.live.layer import RESET
from deliberation.live.topics import group_name
from deliberation.models import Announcement, Event
from deliberation.services.announcements import post_announcement
from tests.support.clients import communicator, login_client

pytestmark = pytest.mark.django_db(transaction=True)


def board_path(compound_id: int) -> str:
    return f"/ws/live/?topics=compound:{compound_id}:public&lang=en"


def post(demo, title: str = "停水通知") -> Announcement:
    wuye = demo.user("wuye")
    return post_announcement(
        author=wuye,
        organization=demo.tuanjie.property_provider,
        compound=demo.tuanjie,
        title=title,
        body="明日9:00-12:00停水",
    )


def test_login_required(tdemo) -> None:
    path = board_path(tdemo.tuanjie.pk)

    async def scenario() -> None:
        comm = communicator(None, path)
        connected, code = await comm.connect()
        assert not connected and code == CLOSE_UNAUTHENTICATED

    async_to_sync(scenario)()


def test_topic_the_user_may_not_see_is_refused(tdemo) -> None:
    client = login_client(tdemo.user("jumin2"))  # lives in 轻工宿舍, not 团结公寓
    path = board_path(tdemo.tuanjie.pk)

    async def scenario() -> None:
        comm = communicator(client, path)
        connected, code = await comm.connect()
        assert not connected and code == CLOSE_FORBIDDEN

    async_to_sync(scenario)()


def test_event_arrives_after_commit_and_never_after_rollback(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))
    path = board_path(tdemo.tuanjie.pk)

    async def scenario() -> None:
        comm = communicator(client, path)
        connected, _ = await comm.connect()
        assert connected

        def rolled_back() -> None:
            with pytest.raises(RuntimeError), transaction.atomic():
                post(tdemo, "rolled back")
                raise RuntimeError("abort")

        before = await database_sync_to_async(Event.objects.count)()  # the demo seeds some
        await database_sync_to_async(rolled_back)()
        assert await comm.receive_nothing(timeout=0.5)
        assert await database_sync_to_async(Event.objects.count)() == before

        await database_sync_to_async(post)(tdemo, "<script>alert(1)</script>")
        text = await comm.receive_from(timeout=5)
        assert text.startswith("<!--ev:")
        assert 'hx-swap-oob="true"' in text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "<script>alert" not in text
        assert "Notice board" in text  # rendered in the connection's language (en)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_reconnect_replays_missed_events_in_order(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))
    path = board_path(tdemo.tuanjie.pk)

    async def scenario() -> None:
        first = await database_sync_to_async(post)(tdemo, "first")
        last_seen = await database_sync_to_async(lambda: Event.objects.latest("id").pk)()
        # Offline now: two more changes happen.
        await database_sync_to_async(post)(tdemo, "second")
        await database_sync_to_async(post)(tdemo, "third")
        assert first.pk

        comm = communicator(client, path)
        connected, _ = await comm.connect()
        assert connected
        await comm.send_json_to({"resume": last_seen})
        got = [await comm.receive_from(timeout=5), await comm.receive_from(timeout=5)]
        ids = [int(t[len("<!--ev:") : t.index("-->")]) for t in got]
        assert ids == sorted(ids) and ids[0] > last_seen
        assert "third" in got[1] and "second" in got[1]
        assert await comm.receive_nothing(timeout=0.3)
        # Garbage from a client is ignored, the connection stays usable.
        await comm.send_to(text_data="not json")
        await comm.send_json_to({"resume": "x"})
        assert await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_bad_requests_are_refused(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))

    async def scenario() -> None:
        for path in [
            "/ws/live/",
            "/ws/live/?topics=" + ",".join(f"user:{i}:home" for i in range(30)),
        ]:
            comm = communicator(client, path)
            connected, code = await comm.connect()
            assert not connected and code in (4400, CLOSE_FORBIDDEN)

    async_to_sync(scenario)()


def test_layer_reset_closes_the_socket_so_the_page_reconnects_and_replays(tdemo) -> None:
    """``live.reset`` (sent by deliberation/live/layer.py when its Redis connection came
    back) closes the socket with 1012; live.js then reconnects and resumes by id."""
    client = login_client(tdemo.user("jumin"))
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    path = board_path(tdemo.tuanjie.pk)

    async def scenario() -> None:
        comm = communicator(client, path)
        connected, _ = await comm.connect()
        assert connected
        await get_channel_layer().group_send(group_name(topic, "en"), RESET)
        closed = await comm.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": CLOSE_RESET}
        await comm.disconnect()

    async_to_sync(scenario)()
