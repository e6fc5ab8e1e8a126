"""Websocket topics of a session: who may join the room and the public view, and the room
push arriving per audience (staff-only notes only in the room)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from deliberation.live.consumer import CLOSE_FORBIDDEN
from deliberation.models import Session, User
from deliberation.policy import can_subscribe
from deliberation.services import sessions as services
from tests.support.clients import communicator, login_client

from .helpers import DELEGATES, opened, user

pytestmark = pytest.mark.django_db(transaction=True)


def resident_not_delegate(demo) -> User:
    return (
        User.objects.filter(residencies__unit__building__compound=demo.tuanjie)
        .exclude(username__in=DELEGATES.values())
        .first()
    )


def test_topic_rules_table(tdemo) -> None:
    session = opened(tdemo)
    resident = resident_not_delegate(tdemo)
    expected = {
        # user: (room, public)
        "shuji": (True, True),  # chair
        "wuye": (True, True),  # provider delegate
        "jumin": (True, True),  # residents' representative
        "jiedao": (True, True),  # subdistrict
        resident.username: (False, True),  # resident viewer
        "jumin2": (False, False),  # other compound
        "shuji2": (False, False),  # other community
        "fangguan": (False, False),  # provider of other compounds
    }
    for username, (room, public) in expected.items():
        u = User.objects.get(username=username)
        assert can_subscribe(u, f"session:{session.pk}:room") is room, username
        assert can_subscribe(u, f"session:{session.pk}:public") is public, username
        assert not can_subscribe(u, f"session:{session.pk}:staff"), username
    assert not can_subscribe(user("shuji"), "session:999999:room")


def test_websocket_audiences(tdemo) -> None:
    session = opened(tdemo)
    Session.objects.filter(pk=session.pk).update(staff_notes="仅限工作人员")
    resident = login_client(resident_not_delegate(tdemo))
    outsider = login_client(user("jumin2"))
    delegate = login_client(user("wuye"))
    room = f"/ws/live/?topics=session:{session.pk}:room&lang=zh-hans"
    public = f"/ws/live/?topics=session:{session.pk}:public&lang=zh-hans"
    item = session.items.first()

    async def scenario() -> None:
        comm = communicator(resident, room)
        connected, code = await comm.connect()
        assert not connected and code == CLOSE_FORBIDDEN
        comm = communicator(outsider, public)
        connected, code = await comm.connect()
        assert not connected and code == CLOSE_FORBIDDEN

        viewer = communicator(resident, public)
        assert (await viewer.connect())[0]
        party = communicator(delegate, room)
        assert (await party.connect())[0]
        await database_sync_to_async(services.open_item)(actor=user_shuji, item=item)
        public_text = await viewer.receive_from(timeout=5)
        room_text = await party.receive_from(timeout=5)
        assert item.title in public_text and item.title in room_text
        assert "仅限工作人员" in room_text and "仅限工作人员" not in public_text
        await viewer.disconnect()
        await party.disconnect()

    user_shuji = user("shuji")
    async_to_sync(scenario)()
