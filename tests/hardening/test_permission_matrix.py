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
from tests.conftest import communicator, login_client

from .matrix import (
    ACTION_MATRIX,
    OBJECTS,
    PENDING_ACTIONS,
    PENDING_TOPICS,
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
