"""Faults with the real servers: Redis stopped during live use, a worker restarted
mid-session, and two people completing the same task at once on PostgreSQL."""

from __future__ import annotations

import asyncio
import threading
import urllib.request

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.db import connection, transaction
from django.urls import reverse

from deliberation.models import Announcement, Event, IssueActivity, WorkOrder, WorkOrderNote
from deliberation.services.announcements import post_announcement
from tests.support.clients import login_client
from tests.support.server import LiveServer

from .liveclient import LiveClient

pytestmark = pytest.mark.django_db(transaction=True)


def _post(demo, title: str) -> int:
    """Post to 团结公寓's board as its firm; returns the live event's id."""
    post_announcement(
        author=demo.user("wuye"),
        organization=demo.tuanjie.property_provider,
        compound=demo.tuanjie,
        title=title,
        body="b",
    )
    return Event.objects.filter(topic=f"compound:{demo.tuanjie.pk}:public").latest("id").pk


def _cookie(demo, username: str) -> str:
    return f"sessionid={login_client(demo.user(username)).cookies['sessionid'].value}"


def _get(url: str, cookie: str) -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return int(response.status)


def test_redis_outage_pages_and_writes_work_and_clients_catch_up(
    tdemo, live_server_asgi, redis_server
) -> None:
    cookie = _cookie(tdemo, "jumin")
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    page = f"{live_server_asgi.url}/compounds/{tdemo.tuanjie.pk}/"
    staff = login_client(tdemo.user("wuye"))
    compound_id, firm_id = tdemo.tuanjie.pk, tdemo.tuanjie.property_provider_id
    post = database_sync_to_async(_post)

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            _post(tdemo, "rolled back")
            raise RuntimeError("abort")

    async def scenario() -> None:
        client = LiveClient([live_server_asgi.url], cookie, topic)
        client.start()
        await client.wait_opened(1)
        await asyncio.sleep(0.3)
        first = await post(tdemo, "before the outage")
        await client.wait_for({first})

        redis_server.stop()
        try:
            # Pages and writes keep working without Redis.
            assert await asyncio.to_thread(_get, page, cookie) == 200
            response = await database_sync_to_async(staff.post)(
                f"/compound/{compound_id}/actions/announce/",
                {"announce-organization": firm_id, "announce-title": "网页", "announce-body": "b"},
            )
            assert response.status_code == 302
            during = {
                await database_sync_to_async(
                    lambda: (
                        Event.objects.filter(topic=topic, kind="announcement.posted")
                        .latest("id")
                        .pk
                    )
                )(),
                await post(tdemo, "during the outage"),
            }
            await database_sync_to_async(rolled_back)()
        finally:
            redis_server.start()
        # Redis is back (empty: it lost its groups): the client reconnects and replays.
        await client.wait_for(during, timeout=30)
        after = await post(tdemo, "after the outage")
        await client.wait_for({after}, timeout=15)
        await client.stop()
        committed = await database_sync_to_async(
            lambda: set(
                Event.objects.filter(topic=topic, id__gte=first)
                .exclude(kind="controls")  # the posting step's "fetch your controls" marker
                .values_list("id", flat=True)
            )
        )()
        assert committed == {first, *during, after}  # the rolled-back post left nothing
        assert set(client.ids) >= committed
        assert not await database_sync_to_async(
            Announcement.objects.filter(title="rolled back").exists
        )()

    async_to_sync(scenario)()


def test_worker_restart_clients_move_to_another_worker_and_catch_up(
    tdemo, live_server_asgi
) -> None:
    other = LiveServer()
    other.start()
    cookie = _cookie(tdemo, "jumin")
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    post = database_sync_to_async(_post)

    async def scenario() -> None:
        client = LiveClient([live_server_asgi.url, other.url], cookie, topic)
        client.start()
        await client.wait_opened(1)
        await asyncio.sleep(0.3)
        first = await post(tdemo, "worker A")
        await client.wait_for({first})
        await asyncio.to_thread(live_server_asgi.stop)  # worker A goes away mid-session
        missed = {await post(tdemo, "between workers 1"), await post(tdemo, "between 2")}
        await client.wait_opened(2)
        await client.wait_for(missed, timeout=15)
        later = await post(tdemo, "worker B")
        await client.wait_for({later})
        await client.stop()
        # Each event applied once and in order (repeats of a replay are dropped by id, as
        # live.js drops them); nothing missed.
        assert client.ids == sorted(set(client.ids)), client.ids
        assert {first, *missed, later} <= set(client.ids)

    try:
        async_to_sync(scenario)()
    finally:
        other.stop()


def test_two_committee_members_verify_the_same_order_at_once(tdemo) -> None:
    """On PostgreSQL with real row locks, through the real view: one wins, the other gets
    409 and a plain message, and nothing is written twice."""
    from tests.intake.factories import report, tuanjie
    from workflows import intake
    from workflows.work_orders import perform

    firm = tdemo.user("wuye")
    order = intake.triage(
        report("并发核验：楼道灯"),
        "dispatch",
        actor=tdemo.user("juwei"),
        responsible=tuanjie().property_provider,
    )
    perform(order, "accept", actor=firm)
    perform(order, "complete", actor=firm, text="已更换", photos=[])
    issue = order.issue
    url = reverse("action", args=["work_order", order.pk, "verify"])
    clients = [login_client(tdemo.user("juwei")), login_client(tdemo.user("shuji"))]
    barrier = threading.Barrier(2)
    results: list[tuple[int, str]] = []

    def verify(client) -> None:
        try:
            barrier.wait()
            r = client.post(url, {"verify-approved": "yes", "verify-note": "看过了"})
            results.append((r.status_code, r.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=verify, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(s for s, _ in results)
    assert statuses == [302, 409], results
    loser = next(body for s, body in results if s == 409)
    assert 'role="alert"' in loser or "role=alert" in loser
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.VERIFIED
    assert order.notes.filter(kind=WorkOrderNote.Kind.VERIFICATION).count() <= 1
    assert issue.activities.filter(kind=IssueActivity.Kind.VERIFIED).count() == 1
