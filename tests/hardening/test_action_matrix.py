"""Every declared action × every role × the states where it is and is not possible, against
the registry (``actions.available``), the controls endpoint and the one action endpoint.

For each row of ``tests/hardening/actions/``: in the state where the step is possible, the
registry offers it, and the controls partial draws it, exactly to the allowed roles; a
refused role's POST is 403 (404 where it may not know the thing exists; anonymous: the
login page) and writes nothing; an allowed role's POST is 409 and writes nothing where the
state moved on, and takes effect where it did not. Each role's step runs in a savepoint
that is rolled back, so the next role finds the thing as it was; the things of every row,
and the roles' logins, are built once per module (``world``) in a transaction rolled back
at its end, as Django's ``setUpTestData`` does.

An action in ``deliberation.actions.all_actions()`` without a row fails the build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from deliberation import actions
from deliberation.models import Compound
from tests.support.clients import login_client
from tests.support.demo import Demo

from .actions import ROWS, Build, Row, shared_builds
from .surfaces import ROLES, denied_status
from .surfaces_intake import rolled_back

#: One worker runs every row (``--dist loadgroup``): ``world`` takes ~18 s to build, once per
#: worker that runs a row of it, and rows shared out one by one reach both workers.
pytestmark = pytest.mark.xdist_group("action_matrix")


def test_every_declared_action_has_a_matrix_row() -> None:
    declared = {a.key for a in actions.all_actions()}
    rowed = {row.action for row in ROWS}
    missing = declared - rowed
    assert not missing, (
        f"actions without a row in tests/hardening/actions/: {sorted(missing)}. Say in the "
        "area's table how to build the thing where each step is and is not possible, who may "
        "take it and what valid input looks like."
    )
    assert not rowed - declared, f"rows for undeclared actions: {sorted(rowed - declared)}"
    for row in ROWS:
        assert row.unavailable is not None or row.always, f"{row.id}: no unavailable state"
        assert set(row.allowed) <= set(ROLES), row.id
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "two rows of one action need distinct scenarios"


def writes() -> int:
    """Rows this transaction inserted, updated or deleted so far (PostgreSQL counts the
    attempts of rolled-back savepoints too): the test's own "nothing changed"."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) "
            "FROM pg_stat_xact_user_tables"
        )
        return int(cursor.fetchone()[0])


@dataclass
class World:
    demo: Demo
    #: builder → the id of the thing it built
    things: dict[Build, int]
    users: dict[str, Any]
    clients: dict[str, Client]

    #: (role, kind, id) → the controls partial's (status, html): the same for every row
    #: of a shared thing (each test's steps are rolled back), so fetched once per module
    drawn: dict[tuple[str, str, int], tuple[int, str]] = field(default_factory=dict)

    def controls(self, role: str, kind: str, pk: int, *, fresh: bool) -> tuple[int, str]:
        key = (role, kind, pk)
        if fresh or key not in self.drawn:
            response = self.clients[role].get(reverse("action-controls", args=[kind, pk]))
            self.drawn[key] = (response.status_code, response.content.decode())
        return self.drawn[key]


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any) -> Iterator[World]:
    """The shared things of every row and every role's logged-in client, made once for the
    module in a transaction that is rolled back after its last test (each test runs in a
    savepoint)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            demo = Demo()
            if not Compound.objects.filter(name="团结公寓").exists():
                from deliberation.demo.tuanjiehu import seed

                seed()
            builds = {
                b for row in ROWS if not row.isolated for b in (row.available, row.unavailable) if b
            }
            with shared_builds():
                things = {build: build(demo).pk for build in builds}
            users = {r: demo.user(u) if u else AnonymousUser() for r, u in ROLES.items()}
            clients = {r: login_client(users[r]) if u else Client() for r, u in ROLES.items()}
        yield World(demo, things, users, clients)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@contextmanager
def _state(world: World, row: Row, build: Build) -> Iterator[Any]:
    """The row's thing in one state: the module's shared one, or (``row.isolated``) one
    built here; either way everything done to it is rolled back afterwards."""
    kind = actions.kind_of(row.kind)
    assert kind is not None, row.kind
    with rolled_back():
        pk = build(world.demo).pk if row.isolated else world.things[build]
        yield kind.load(pk)


def _post(client: Client, url: str, data: dict[str, Any]) -> tuple[Any, int]:
    before = writes()
    response = client.post(url, data)
    return response, writes() - before


def _where_possible(row: Row, role: str, world: World, ready: Any) -> list[str]:
    """Offered and drawn exactly to the allowed roles; refused POSTs change nothing; the
    allowed roles' valid POSTs take effect."""
    user, client, demo = world.users[role], world.clients[role], world.demo
    action = actions.action_of(row.kind, row.name)
    allowed = role in row.allowed
    wrong: list[str] = []
    if (action in actions.available(user, ready, row.kind)) is not allowed:
        wrong.append(f"available(): {'not offered' if allowed else 'OFFERED'} where possible")

    marker = f'id="{row.kind}-{row.name}-{ready.pk}"'
    # a step its own page draws (the register import, under the previewed rows) is in no
    # controls partial
    drawn = action is not None and action.extra.get("controls", True)
    status, html = world.controls(role, row.kind, ready.pk, fresh=row.isolated)
    refused = denied_status(role, row.about(ready) if row.about else ready)
    # someone who may know the thing sees its controls without this step; someone who may
    # not gets the 404 a missing id gets (anonymous: the login page)
    seen = (200,) if allowed or refused == (403,) else refused
    if status not in seen:
        wrong.append(f"controls: {status}, not {seen}")
    elif status == 200 and (marker in html) is not (allowed and drawn):
        wrong.append(f"controls: {'not drawn' if allowed else 'DRAWN'}")

    url = reverse("action", args=[row.kind, ready.pk, row.name])
    with rolled_back():
        response, written = _post(client, url, row.data(demo, ready, user))
        took = not (allowed and row.done and response.status_code < 400) or row.done(ready)
    if not allowed:
        if response.status_code not in refused:
            wrong.append(f"POST: {response.status_code}, not {refused}")
        if written:
            wrong.append(f"POST refused, yet {written} rows written")
    elif not 200 <= response.status_code < 400:
        wrong.append(f"POST valid data: {response.status_code}")
    elif not written or not took:
        wrong.append(f"POST valid data: {response.status_code} but it took no effect")
    return wrong


def _where_not(row: Row, role: str, world: World, stale: Any) -> list[str]:
    """Offered to nobody; the allowed roles' POSTs are 409 and change nothing."""
    user, client = world.users[role], world.clients[role]
    action = actions.action_of(row.kind, row.name)
    wrong: list[str] = []
    if action in actions.available(user, stale, row.kind):
        wrong.append("available(): OFFERED where no longer possible")
    if role in row.allowed:
        url = reverse("action", args=[row.kind, stale.pk, row.name])
        with rolled_back():
            response, written = _post(client, url, row.data(world.demo, stale, user))
        if response.status_code != 409:
            wrong.append(f"POST where no longer possible: {response.status_code}, not 409")
        if written:
            wrong.append(f"POST where no longer possible: {written} rows written")
    return wrong


@pytest.mark.parametrize("row", [pytest.param(r, id=r.id) for r in ROWS])
def test_action_matrix(world: World, db: None, row: Row) -> None:
    action = actions.action_of(row.kind, row.name)
    assert action is not None, row.action
    wrong: list[str] = []
    with _state(world, row, row.available) as ready:
        # the builders' own check (another row's builder may have moved a thing on)
        assert action.when(ready), f"{row.id}: {row.available.__name__} made it impossible"
        for role in ROLES:
            wrong += [f"{role}: {w}" for w in _where_possible(row, role, world, ready)]
    if row.unavailable is not None:
        with _state(world, row, row.unavailable) as stale:
            assert not action.when(stale), f"{row.id}: {row.unavailable.__name__} made it possible"
            for role in ROLES:
                wrong += [f"{role}: {w}" for w in _where_not(row, role, world, stale)]
    assert not wrong, f"{row.id}:\n" + "\n".join(wrong)
