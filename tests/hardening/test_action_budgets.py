"""Query budgets read from the action registry: for every object kind, every role's GET of
a thing's controls (``action-controls``, what a page fetches again after a push) issues the
same number of queries at 10 and at 1,000 rows, and every role's task list (``task-list``)
the same with 10 waiting things of each kind and with 1,000 in all; no more than the
budget. A kind without a budget in ``tests/hardening/actions/`` fails the build."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation import actions
from tests.support.clients import login_client

from . import budgets
from .actions import BUDGETS, KindBudget
from .surfaces import ROLES


def test_every_kind_has_a_budget() -> None:
    missing = set(actions.KINDS) - set(BUDGETS)
    assert not missing, (
        f"object kinds without a query budget: {sorted(missing)}. Add a KindBudget to the "
        "area's table in tests/hardening/actions/ (the thing whose controls are fetched, and "
        "how to grow the rows its controls and the task lists read)."
    )
    assert not set(BUDGETS) - set(actions.KINDS), "budgets for undeclared kinds"


#: A task list on its own: the session, the user and the person's organizations and homes
#: (3 queries), then what ``budgets.TASK_LIST_QUERIES`` allows a page for it.
TASK_LIST_QUERIES = 5 + budgets.TASK_LIST_QUERIES


def _measure(clients: dict[str, Any], url: str) -> dict[str, tuple[int, int]]:
    """Each role's (status, queries) for one GET."""
    counts: dict[str, tuple[int, int]] = {}
    for role, client in clients.items():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code in (200, 403, 404), (role, url, response.status_code)
        counts[role] = (response.status_code, len(ctx.captured_queries))
    return counts


def _compare(what: str, at_10: dict[str, Any], at_1000: dict[str, Any], most: int) -> None:
    grew = {r: f"{at_10[r]} → {at_1000[r]}" for r in at_10 if at_10[r] != at_1000[r]}
    assert not grew, f"{what}: (status, queries) at 10 and at 1,000 rows: {grew}"
    over = {r: n for r, (_status, n) in at_1000.items() if n > most}
    assert not over, f"{what}: more than {most} queries: {over}"


def _clients(demo: Any, roles: tuple[str, ...]) -> dict[str, Any]:
    return {role: login_client(demo.user(str(ROLES[role]))) for role in roles}


@pytest.mark.parametrize("kind", list(BUDGETS))
def test_controls_queries_do_not_grow_with_rows(demo, kind: str) -> None:
    budget: KindBudget = BUDGETS[kind]
    url = reverse("action-controls", args=[kind, budget.thing(demo).pk])
    clients = _clients(demo, budget.roles)
    budget.grow(demo, 10)
    _measure(clients, url)  # warm: first-request caches (content types, …)
    at_10 = _measure(clients, url)
    budget.grow(demo, 990)
    _compare(f"{kind} controls", at_10, _measure(clients, url), budget.max_queries)


def test_task_lists_do_not_grow_with_rows(demo) -> None:
    """Every role's task list with 10 waiting things of every kind, then with 1,000 in all
    (shared among the kinds: each kind's grow more than sixfold, and the heaviest list
    stays one a person could be shown). Its cost is one joined query per kind holding
    tasks, with its prefetches, whoever asks and however many things wait."""
    url = reverse("task-list")
    clients = _clients(demo, tuple(r for r in ROLES if ROLES[r]))
    for budget in BUDGETS.values():
        budget.tasks(demo, 10)
    _measure(clients, url)  # warm: first-request caches (content types, …)
    at_10 = _measure(clients, url)
    more = max(1, 1000 // len(BUDGETS) - 10)
    for budget in BUDGETS.values():
        budget.tasks(demo, more)
    _compare("task list", at_10, _measure(clients, url), TASK_LIST_QUERIES)
