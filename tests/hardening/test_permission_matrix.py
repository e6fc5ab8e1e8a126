"""Every role × object × action and topic kind, against policy *and* the real views and the
real websocket consumer. A rule without a row in ``matrix.py`` fails the build."""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from deliberation import policy
from deliberation.live.consumer import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from deliberation.policy.registry import ACTION_RULES, TOPIC_RULES
from tests.support.clients import communicator, login_client

from .matrix import (
    ACTION_MATRIX,
    OBJECTS,
    PENDING_ACTIONS,
    PENDING_TOPICS,
    REVOCATION_MATRIX,
    ROLES,
    TOPIC_MATRIX,
    ActionRow,
)


def test_every_registered_action_and_topic_kind_has_matrix_rows() -> None:
    missing_actions = set(ACTION_RULES) - set(ACTION_MATRIX) - PENDING_ACTIONS
    missing_topics = set(TOPIC_RULES) - set(TOPIC_MATRIX) - PENDING_TOPICS
    assert not missing_actions and not missing_topics, (
        f"policy rules without a row in tests/hardening/matrix.py: actions "
        f"{sorted(missing_actions)}, topic kinds {sorted(missing_topics)}. Say which roles "
        "may use them (ACTION_MATRIX / TOPIC_MATRIX) and which pages, writes and topics "
        "enforce them."
    )
    assert set(ACTION_MATRIX) <= set(ACTION_RULES), "matrix rows for unregistered actions"
    assert set(ACTION_RULES) - set(ACTION_MATRIX) >= PENDING_ACTIONS, "stale PENDING_ACTIONS"
    assert set(TOPIC_RULES) - set(TOPIC_MATRIX) >= PENDING_TOPICS, "stale PENDING_TOPICS"
    assert set(TOPIC_MATRIX) <= set(TOPIC_RULES), "matrix rows for unregistered topic kinds"
    assert all(rows for rows in [*ACTION_MATRIX.values(), *TOPIC_MATRIX.values()])


ACTION_CASES = [
    pytest.param(action, row, id=f"{action}:{row.obj}")
    for action, rows in ACTION_MATRIX.items()
    for row in rows
]


@pytest.mark.parametrize(("action", "row"), ACTION_CASES)
def test_action_matrix(demo, action: str, row: ActionRow) -> None:
    obj = OBJECTS[row.obj](demo)
    wrong: list[str] = []
    for role, username in ROLES.items():
        user: Any = demo.user(username) if username else AnonymousUser()
        expected = role in row.allowed
        target = row.target(demo, user, obj) if row.target else obj
        if policy.can(user, action, target) is not expected:
            wrong.append(f"policy: {role} {'denied' if expected else 'ALLOWED'}")
            continue
        client = login_client(user) if username else Client()
        for surface in row.surfaces:
            try:
                surface(demo, role, client, obj, expected)
            except AssertionError as exc:
                wrong.append(f"{surface.__name__}: {role}: {exc}")
    assert not wrong, f"{action} on {row.obj}:\n" + "\n".join(wrong)


@pytest.mark.django_db(transaction=True)
def test_topic_matrix_against_policy_and_the_real_consumer(tdemo) -> None:
    cases: list[tuple[str, str, str, Client | None, bool]] = []
    wrong: list[str] = []
    clients = {role: (login_client(tdemo.user(u)) if u else None) for role, u in ROLES.items()}
    for kind, rows in TOPIC_MATRIX.items():
        for row in rows:
            topic = row.topic(tdemo)
            assert topic.startswith(f"{kind}:")
            for role, username in ROLES.items():
                expected = role in row.allowed
                user: Any = tdemo.user(username) if username else AnonymousUser()
                if policy.can_subscribe(user, topic) is not expected:
                    wrong.append(f"policy: {row.name}: {role}")
                cases.append((row.name, topic, role, clients[role], expected))

    async def scenario() -> None:
        for name, topic, role, client, expected in cases:
            comm = communicator(client, f"/ws/live/?topics={topic}&lang=en")
            connected, code = await comm.connect()
            if connected:
                await comm.disconnect()
            if connected is not expected:
                wrong.append(f"consumer: {name}: {role} {'refused' if expected else 'ADMITTED'}")
            elif not connected:
                want = CLOSE_UNAUTHENTICATED if role == "anonymous" else CLOSE_FORBIDDEN
                if code != want:
                    wrong.append(f"consumer: {name}: {role} closed with {code}, not {want}")

    async_to_sync(scenario)()
    assert not wrong, "\n".join(wrong)


def test_revocation_rows_cover_every_way_a_right_ends() -> None:
    """Session ended (logout, deleted, expired), user deactivated (saved or in bulk),
    standing lost (membership removed or deactivated, residency removed)."""
    from . import surfaces_live as sl

    ways = {row.revoke for row in REVOCATION_MATRIX}
    assert ways == {
        sl.log_out,
        sl.delete_session,
        sl.expire_session,
        sl.deactivate,
        sl.deactivate_in_bulk,
        sl.remove_memberships,
        sl.deactivate_memberships_in_bulk,
        sl.move_out,
    }
    roles = [row.role for row in REVOCATION_MATRIX]
    assert len(roles) == len(set(roles)), "one role per row: the rows share one demo world"


@pytest.mark.django_db(transaction=True)
def test_revocation_matrix_closes_open_sockets(tdemo, settings) -> None:
    """Each row: a socket the role may open, the change, then the close with the row's
    code; a change sent as a signal within a second, one behind the signals' back at the
    next periodic re-check. Afterwards nothing is pushed or replayed on that socket."""
    from channels.db import database_sync_to_async
    from channels.layers import get_channel_layer

    from deliberation.live.outbox import messages_for
    from deliberation.models import Event

    settings.YISHI_LIVE_RECHECK_SECONDS = 2
    rows = [
        (row, row.topic(tdemo), login_client(tdemo.user(ROLES[row.role])))
        for row in REVOCATION_MATRIX
    ]
    wrong: list[str] = []

    async def scenario() -> None:
        for row, topic, client in rows:
            comm = communicator(client, f"/ws/live/?topics={topic}&lang=en")
            connected, code = await comm.connect()
            if not connected:
                wrong.append(f"{row.name}: refused ({code}) before the change")
                continue
            await database_sync_to_async(row.revoke)(tdemo, row.role, client)
            out = await comm.receive_output(timeout=5 if row.periodic else 1)
            if out != {"type": "websocket.close", "code": row.code}:
                wrong.append(f"{row.name}: {out!r}, not a close with {row.code}")
            event = await database_sync_to_async(Event.objects.create)(
                topic=topic, kind="test", html={"en": "<p>after the change</p>"}
            )
            for group, message in messages_for(event):
                await get_channel_layer().group_send(group, message)
            await comm.send_json_to({"resume": 0})
            if not await comm.receive_nothing(timeout=0.3):
                wrong.append(f"{row.name}: delivered after the close")
            await comm.disconnect()

    async_to_sync(scenario)()
    assert not wrong, "\n".join(wrong)
