"""The permission matrix and the query budgets, read from the action registry.

Every action declared in ``deliberation.actions`` (``all_actions()``) has at least one
``Row`` in the area tables of this package (``work_orders.py``, ``issues.py``, …): how to
build the thing in a state where the step is possible now and in one where it is not, who
may take it, and what valid input looks like. ``test_action_matrix.py`` takes every row
through every role of ``surfaces.ROLES``; it fails when an action has no row.

Every object kind (``KINDS``) has a ``KindBudget``: the thing whose controls are fetched
and how to grow the rows its controls and everyone's task lists might read.
``test_action_budgets.py`` measures the controls GET and the task list of every role at 10
and at 1,000 rows; it fails when a kind has no budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from ..surfaces import ROLES

#: demo → the thing (in the state the row names)
Build = Callable[[Any], Any]

#: Builds made so far while the matrix builds the things its rows share (``shared_builds``).
_shared: ContextVar[dict[Build, Any] | None] = ContextVar("shared_builds", default=None)


@contextmanager
def shared_builds() -> Iterator[None]:
    """While the module's shared things are built: a builder that picks a part of another
    builder's thing (each party's invitation of a session in one state) finds it built
    once, not once per part. Isolated rows, built in their own tests, always build anew."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def built(build: Build, demo: Any) -> Any:
    """``build(demo)``, made once inside ``shared_builds``."""
    made = _shared.get()
    if made is None:
        return build(demo)
    if build not in made:
        made[build] = build(demo)
    return made[build]


@dataclass(frozen=True)
class Row:
    """One scenario of one declared action (``kind.name``)."""

    action: str
    #: the roles (``surfaces.ROLES``) that may take it; every other role must be refused
    allowed: frozenset[str]
    #: the thing, where the step is possible now
    available: Build
    #: the thing, where the step is not possible (the state moved on); ``None`` only with
    #: ``always`` saying why no such state exists
    unavailable: Build | None
    #: valid input for the action's form, with its prefix: (demo, thing, user) → POST data
    #: (the user: choices that depend on who sends it, e.g. the organization they act for)
    data: Callable[[Any, Any, Any], dict[str, Any]] = lambda demo, obj, user: {}
    #: after the allowed role's step: whether it took effect, asked of the thing reloaded
    done: Callable[[Any], bool] | None = None
    #: what decides whether a refused role gets 404 instead of 403 (default: the thing)
    about: Callable[[Any], Any] | None = None
    #: a name for the scenario when an action has more than one row
    scenario: str = ""
    always: str = ""
    #: built in its own test, each state in a savepoint, not once for the module: for things
    #: whose two states cannot stand side by side (the one compound's running election)
    isolated: bool = False

    @property
    def kind(self) -> str:
        return self.action.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.action.split(".", 1)[1]

    @property
    def id(self) -> str:
        return f"{self.action}:{self.scenario}" if self.scenario else self.action


@dataclass(frozen=True)
class KindBudget:
    """The controls of ``thing(demo)`` at 10 and 1,000 rows of ``grow(demo, n)`` (what its
    controls might read: the thing's own history, its requests, its ballots…); every role's
    task list at 10 and 1,000 rows of ``tasks(demo, n)`` (things of the kind waiting for
    someone's step)."""

    thing: Build
    grow: Callable[[Any, int], None]
    tasks: Callable[[Any, int], None]
    #: the roles measured (default: everyone who can log in)
    roles: tuple[str, ...] = field(default_factory=lambda: tuple(r for r in ROLES if ROLES[r]))
    max_queries: int = 12


def allowed_roles(*roles: str) -> frozenset[str]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(roles)


def _tables() -> tuple[list[Row], dict[str, KindBudget]]:
    from . import (
        accounts,
        committee_bodies,
        committees,
        compounds,
        contracts,
        evaluations,
        evidence,
        hotline,
        indicators,
        issues,
        ledger,
        meetings,
        sessions,
        votes,
        work_orders,
    )

    rows: list[Row] = []
    budgets: dict[str, KindBudget] = {}
    areas = (
        work_orders,
        issues,
        sessions,
        votes,
        committees,
        committee_bodies,
        compounds,
        hotline,
        evidence,
        indicators,
        evaluations,
        meetings,
        ledger,
        contracts,
        accounts,
    )
    for area in areas:
        rows += area.ROWS
        for kind, budget in area.BUDGETS.items():
            assert kind not in budgets, f"two budgets for the kind {kind!r}"
            budgets[kind] = budget
    return rows, budgets


ROWS, BUDGETS = _tables()
