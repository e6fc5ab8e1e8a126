"""Open sockets follow permission changes (issue 16, part 1): logout, a deleted or expired
session, a deactivated user, a lost membership or residency close the socket (4401 / 4403)
within seconds, and nothing is delivered or replayed after that. Every ``resume``
re-checks; one ``resume`` per socket; a replay is bounded.

Real Redis channel layer and PostgreSQL throughout; the changes are made the way users and
admins make them (the logout view, model saves and deletes), plus ``QuerySet.update`` and
plain expiry, which send no signal and are caught by the periodic re-check."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from deliberation.live.consumer import (
    CLOSE_BAD_REQUEST,
    CLOSE_FORBIDDEN,
    CLOSE_RESET,
    CLOSE_UNAUTHENTICATED,
    REPLAY_MAX_EVENTS,
)
from deliberation.live.outbox import last_event_id, messages_for
from deliberation.models import Event, Membership, Residency, User
from deliberation.services.announcements import post_announcement
from tests.support.clients import communicator, login_client

pytestmark = pytest.mark.django_db(transaction=True)


def board(demo: Any) -> str:
    return f"compound:{demo.tuanjie.pk}:public"


def path_for(*topics: str) -> str:
    return f"/ws/live/?topics={','.join(topics)}&lang=en"


def announce(demo: Any, title: str) -> None:
    post_announcement(
        author=demo.user("wuye"),
        organization=demo.tuanjie.property_provider,
        compound=demo.tuanjie,
        title=title,
        body="明日9:00-12:00停水",
    )


async def open_socket(client: Any, *topics: str) -> WebsocketCommunicator:
    comm = communicator(client, path_for(*topics))
    connected, code = await comm.connect()
    assert connected, code
    return comm


async def close_code(comm: WebsocketCommunicator, timeout: float = 5) -> int:
    """The socket's next output must be its close; returns the code."""
    out = await comm.receive_output(timeout=timeout)
    assert out["type"] == "websocket.close", f"got {out!r} instead of a close"
    return int(out["code"])


async def nothing_more(comm: WebsocketCommunicator) -> None:
    """After the close: no push, and a ``resume`` replays nothing."""
    await comm.send_json_to({"resume": 0})
    assert await comm.receive_nothing(timeout=0.5)


def test_logout_closes_the_socket_and_nothing_is_delivered_or_replayed(tdemo) -> None:
    topic = board(tdemo)
    client = login_client(tdemo.user("jumin"))

    async def scenario() -> None:
        await database_sync_to_async(announce)(tdemo, "before")  # something to replay
        comm = await open_socket(client, topic)
        response = await database_sync_to_async(client.post)(reverse("logout"))
        assert response.status_code == 302
        assert await close_code(comm) == CLOSE_UNAUTHENTICATED
        await database_sync_to_async(announce)(tdemo, "after logout")
        await nothing_more(comm)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_other_sessions_of_the_user_stay_open_on_logout(tdemo) -> None:
    topic = board(tdemo)
    phone, laptop = login_client(tdemo.user("jumin")), login_client(tdemo.user("jumin"))

    async def scenario() -> None:
        on_phone = await open_socket(phone, topic)
        on_laptop = await open_socket(laptop, topic)
        await database_sync_to_async(phone.post)(reverse("logout"))
        assert await close_code(on_phone) == CLOSE_UNAUTHENTICATED
        await database_sync_to_async(announce)(tdemo, "still here")
        assert "still here" in await on_laptop.receive_from(timeout=5)
        await on_phone.disconnect()
        await on_laptop.disconnect()

    async_to_sync(scenario)()


def test_deleted_session_closes_the_socket(tdemo) -> None:
    topic = board(tdemo)
    client = login_client(tdemo.user("jumin"))
    key = client.cookies["sessionid"].value

    async def scenario() -> None:
        comm = await open_socket(client, topic)
        await database_sync_to_async(Session.objects.filter(session_key=key).delete)()
        assert await close_code(comm) == CLOSE_UNAUTHENTICATED
        await database_sync_to_async(announce)(tdemo, "after delete")
        await nothing_more(comm)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_expired_session_closes_the_socket_at_the_next_periodic_recheck(tdemo, settings) -> None:
    topic = board(tdemo)
    """No signal when a session simply expires: the periodic re-check bounds the delay."""
    settings.YISHI_LIVE_RECHECK_SECONDS = 1
    client = login_client(tdemo.user("jumin"))
    key = client.cookies["sessionid"].value
    past = timezone.now() - timedelta(seconds=1)

    async def scenario() -> None:
        comm = await open_socket(client, topic)
        await database_sync_to_async(Session.objects.filter(session_key=key).update)(
            expire_date=past
        )
        assert await close_code(comm, timeout=5) == CLOSE_UNAUTHENTICATED
        await nothing_more(comm)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_deactivated_user_is_closed_at_once_and_one_updated_in_bulk_at_the_recheck(
    tdemo, settings
) -> None:
    settings.YISHI_LIVE_RECHECK_SECONDS = 1
    jumin, jumin2 = tdemo.user("jumin"), tdemo.user("jumin2")
    saved, bulk = login_client(jumin), login_client(jumin2)
    topic, elsewhere = board(tdemo), f"compound:{tdemo.qinggong.pk}:public"

    def deactivate(user: User) -> None:
        user.is_active = False
        user.save()

    async def scenario() -> None:
        comm = await open_socket(saved, topic)
        await database_sync_to_async(deactivate)(jumin)
        assert await close_code(comm, timeout=0.9) == CLOSE_UNAUTHENTICATED  # the signal
        await database_sync_to_async(announce)(tdemo, "after deactivation")
        await nothing_more(comm)
        await comm.disconnect()

        other = await open_socket(bulk, elsewhere)
        await database_sync_to_async(User.objects.filter(pk=jumin2.pk).update)(is_active=False)
        assert await close_code(other, timeout=5) == CLOSE_UNAUTHENTICATED
        await other.disconnect()

    async_to_sync(scenario)()


def test_a_change_saved_on_a_thread_with_a_running_event_loop_is_announced(
    tdemo, settings, monkeypatch
) -> None:
    """The access change is committed on a thread whose event loop is running (as under
    Playwright's sync API, or synchronous code called from async code): the announcement
    still goes out, at once, instead of failing there and waiting for the periodic re-check."""
    settings.YISHI_LIVE_RECHECK_SECONDS = 300
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # the ORM on the loop's thread
    jumin = tdemo.user("jumin")
    client = login_client(jumin)

    async def scenario() -> None:
        comm = await open_socket(client, board(tdemo))
        jumin.is_active = False
        jumin.save()  # here, on the loop's own thread: the signal's announcement is sent now
        assert await close_code(comm, timeout=5) == CLOSE_UNAUTHENTICATED
        await comm.disconnect()

    async_to_sync(scenario)()


def test_a_new_password_closes_the_sockets_of_the_other_sessions(tdemo) -> None:
    """Django ends a user's other sessions when the password changes; so do their sockets.
    The session that changed it (its hash renewed, as the password-change view does; here in
    the same transaction, so the re-check sees both) stays."""
    jumin = tdemo.user("jumin")
    topic = board(tdemo)
    here, elsewhere = login_client(jumin), login_client(jumin)

    def change_password() -> None:
        from django.contrib.auth import HASH_SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        with transaction.atomic():
            jumin.set_password("a new long passphrase 2026")
            jumin.save()
            store = SessionStore(here.cookies["sessionid"].value)
            store[HASH_SESSION_KEY] = jumin.get_session_auth_hash()
            store.save()

    async def scenario() -> None:
        stays = await open_socket(here, topic)
        ends = await open_socket(elsewhere, topic)
        await database_sync_to_async(change_password)()
        assert await close_code(ends) == CLOSE_UNAUTHENTICATED
        await nothing_more(ends)
        await ends.disconnect()
        await database_sync_to_async(announce)(tdemo, "for the session that stayed")
        assert "for the session that stayed" in await stays.receive_from(timeout=5)
        await stays.disconnect()

    async_to_sync(scenario)()


def test_lost_membership_closes_the_staff_socket_and_keeps_the_personal_one(tdemo) -> None:
    """The finding: after an admin removed the firm staff member's membership, the staff
    topic kept pushing (and replaying) staff-only updates."""
    from tests.intake.factories import dispatched

    wuye = tdemo.user("wuye")
    client = login_client(wuye)
    _issue, order = dispatched("楼道灯坏了")
    staff = f"work_order:{order.pk}:staff"
    cursor = last_event_id()

    async def scenario() -> None:
        staff_socket = await open_socket(client, staff)
        home_socket = await open_socket(client, f"user:{wuye.pk}:home")
        firm = order.responsible_id
        await database_sync_to_async(
            Membership.objects.filter(user=wuye, organization_id=firm).delete
        )()
        assert await close_code(staff_socket) == CLOSE_FORBIDDEN
        await push_and_store(staff, "staff-only note")
        await staff_socket.send_json_to({"resume": cursor})
        assert await staff_socket.receive_nothing(timeout=0.5)
        await staff_socket.disconnect()
        # Its own topic is still its own: that socket stays open.
        assert await home_socket.receive_nothing(timeout=0.3)
        await home_socket.send_json_to({"resume": 0})
        await home_socket.disconnect()

    async_to_sync(scenario)()


async def push_and_store(topic: str, text: str) -> None:
    """The next update on ``topic``: an outbox row (for replays) and its push."""

    def store() -> Event:
        with transaction.atomic():
            return Event.objects.create(topic=topic, kind="test", html={"en": text})

    event = await database_sync_to_async(store)()
    for group, message in messages_for(event):
        await get_channel_layer().group_send(group, message)


def test_lost_residency_closes_the_residents_socket(tdemo) -> None:
    topic = board(tdemo)
    jumin = tdemo.user("jumin")
    client = login_client(jumin)

    async def scenario() -> None:
        comm = await open_socket(client, topic)
        await database_sync_to_async(Residency.objects.filter(user=jumin).delete)()
        assert await close_code(comm) == CLOSE_FORBIDDEN
        await database_sync_to_async(announce)(tdemo, "after moving out")
        await nothing_more(comm)
        await comm.disconnect()

    async_to_sync(scenario)()


def test_resume_rechecks_the_topics_before_replaying(tdemo) -> None:
    """A change that sent no signal (``QuerySet.update``) is still caught by ``resume``:
    the socket closes instead of replaying."""
    wuye = tdemo.user("wuye")
    client = login_client(wuye)
    inbox = f"org:{tdemo.tuanjie.property_provider_id}:inbox"

    async def scenario() -> None:
        await push_and_store(inbox, "an inbox item")
        comm = await open_socket(client, inbox)
        await database_sync_to_async(Membership.objects.filter(user=wuye).update)(active=False)
        await comm.send_json_to({"resume": 0})
        assert await close_code(comm) == CLOSE_FORBIDDEN
        await comm.disconnect()

    async_to_sync(scenario)()


def test_a_second_resume_on_one_socket_is_refused(tdemo) -> None:
    topic = board(tdemo)
    client = login_client(tdemo.user("jumin"))

    async def scenario() -> None:
        await database_sync_to_async(announce)(tdemo, "replayed once")
        comm = await open_socket(client, topic)
        await comm.send_json_to({"resume": 0})
        got = await comm.receive_from(timeout=5)
        assert got.startswith("<!--ev:")
        while not await comm.receive_nothing(timeout=0.3):
            await comm.receive_from()
        await comm.send_json_to({"resume": 0})
        assert await close_code(comm) == CLOSE_BAD_REQUEST
        await comm.disconnect()

    async_to_sync(scenario)()


def test_a_replay_is_bounded_and_the_page_resumes_from_where_it_got_to(tdemo) -> None:
    client = login_client(tdemo.user("jumin"))
    topic = board(tdemo)
    start = last_event_id()
    Event.objects.bulk_create(
        Event(topic=topic, kind="test", html={"en": f"<p>{i}</p>"})
        for i in range(REPLAY_MAX_EVENTS + 5)
    )

    async def scenario() -> None:
        comm = await open_socket(client, topic)
        await comm.send_json_to({"resume": start})
        got = [await comm.receive_from(timeout=5) for _ in range(REPLAY_MAX_EVENTS)]
        assert await close_code(comm) == CLOSE_RESET  # more left: reconnect and resume
        await comm.disconnect()
        last = int(got[-1][len("<!--ev:") : got[-1].index("-->")])

        again = await open_socket(client, topic)
        await again.send_json_to({"resume": last})
        rest = [await again.receive_from(timeout=5) for _ in range(5)]
        assert rest[-1].endswith(f"<p>{REPLAY_MAX_EVENTS + 4}</p>")
        assert await again.receive_nothing(timeout=0.3)
        await again.disconnect()

    async_to_sync(scenario)()
