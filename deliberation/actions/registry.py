"""The action registry: every step a person can take on a thing, declared once.

An ``ObjectKind`` says how to find a thing by id, where its page is, and who follows it
(the live topics its pages listen on, the organizations and people whose task lists it may
change). An ``Action`` says when the step is possible (the thing's state), who may take it
(a rule in ``deliberation.policy``), what it asks for (a Django form), what it runs, how it
reads (label, help, weight) and whether someone is expected to take it (a task, with a due
time where the law or an SLA gives one).

Buttons (``templates/actions/_controls.html``), each person's task list
(``deliberation.actions.tasks``), the one action endpoint (``deliberation.views.actions``)
and the permission matrix in the tests all read this registry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from django import forms
from django.utils.functional import Promise


class Weight(IntEnum):
    """How a control is drawn: one primary next step first, dangerous ones last."""

    PRIMARY = 0
    SECONDARY = 1
    DANGER = 2


@dataclass(frozen=True)
class Outcome:
    """What running an action did, as the person should read it ("工单 #2 已派给……")."""

    message: str
    #: where a full-page (non-htmx) request goes next; default: the thing's own page
    redirect: str = ""
    #: the page changed as a whole: load ``redirect`` even when the step was sent from it
    #: (an htmx step from that very page is otherwise answered in place)
    reload: bool = False


#: What an action runs: (the thing, the person, the form's cleaned data) → what happened.
Runner = Callable[[Any, Any, dict[str, Any]], Outcome]


@dataclass(frozen=True)
class Audience:
    """Who follows a thing: the live topics of its pages, and whose task lists it feeds."""

    topics: tuple[str, ...] = ()
    organizations: tuple[int, ...] = ()
    users: tuple[int, ...] = ()


#: The annotation of a kind's task candidates that says how many there are in all, when
#: only some are loaded (``COUNT(*) OVER ()``, in the same query): those not loaded are
#: counted in the task list, not drawn.
CANDIDATES_TOTAL = "candidates_total"


@dataclass(frozen=True)
class ObjectKind:
    name: str  # "work_order": also the URL segment and the live-topic kind of its controls
    model: type
    #: the thing by id with the joins its rules and controls need, or None
    load: Callable[[int], Any | None]
    #: the thing's page (where a person takes its steps)
    page_url: Callable[[Any], str]
    #: pages and task lists that must refresh when one of its actions ran
    audience: Callable[[Any], Audience] = lambda obj: Audience()
    #: things of this kind on which ``principal`` may hold a task now (one query, joined):
    #: the task list checks each task action's state and rule on them. A kind that loads
    #: only some of them annotates each row with how many there are (``CANDIDATES_TOTAL``)
    task_candidates: Callable[[Any], Iterable[Any]] | None = None
    #: a short title for task lists and confirmations ("工单 #2 · 3号楼漏水")
    title: Callable[[Any], str] = str
    #: what the thing is called ("工单"), for task lists
    label: str | Promise = ""
    #: the thing whose existence this one shares (an extension request or an escalation is
    #: known to whoever may know its work order): a stranger gets the 404 a missing id gets
    belongs_to: Callable[[Any], Any] | None = None
    #: things of other kinds drawn inside this thing's controls, as (kind, thing) — an
    #: order's pending extension request and open escalations — so they come and go with
    #: its controls' refetch: a new request shows its decide step on an open order page
    nested: Callable[[Any], Iterable[tuple[str, Any]]] | None = None


@dataclass(frozen=True)
class Action:
    kind: str
    name: str
    #: the ``deliberation.policy`` rule deciding who may (asked with the thing)
    rule: str
    label: str | Promise
    run: Runner
    #: whether the thing's state allows it now (no queries: the loader joined what it needs)
    when: Callable[[Any], bool] = lambda obj: True
    form: type[forms.Form] | None = None
    #: per-thing form arguments (choices that depend on the thing, the person)
    form_kwargs: Callable[[Any, Any], dict[str, Any]] | None = None
    help: str | Promise = ""
    weight: Weight = Weight.SECONDARY
    #: someone is expected to take it: it appears in their task list
    task: bool = False
    #: when it is due (the law's or the SLA's clock), for task lists
    due: Callable[[Any], datetime | None] | None = None
    #: what a task reads as in a task list ("回复邀请"); default: the label
    task_label: str | Promise = ""
    #: a second check that must also hold, asked with (user, thing) — e.g. the reporter
    #: rates through their issue
    also: Callable[[Any, Any], bool] | None = None
    #: what the policy rule is asked about, when not the thing itself (an extension
    #: request is decided under the rule for its work order)
    policy_object: Callable[[Any], Any] | None = None
    #: where the task list sends the person, when not the thing's page (a resident rates
    #: an order on their issue page)
    task_url: Callable[[Any], str] | None = None
    #: the form's field prefix (default: the action's name)
    prefix: str = ""
    #: a partial drawing this action's form instead of the generic one
    template: str = ""
    #: shown before a dangerous step is sent
    confirm: str | Promise = ""
    #: position among actions of the same weight
    order: int = 0
    #: free-form hints for the controls template (e.g. ``{"inline": True}``)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.kind}.{self.name}"

    def make_form(self, obj: Any, user: Any, data: Any = None, files: Any = None) -> Any:
        if self.form is None:
            return None
        kwargs = self.form_kwargs(obj, user) if self.form_kwargs else {}
        return self.form(data, files, prefix=self.prefix or self.name, **kwargs)


KINDS: dict[str, ObjectKind] = {}
ACTIONS: dict[str, dict[str, Action]] = {}


def declare_kind(kind: ObjectKind) -> ObjectKind:
    if kind.name in KINDS:
        raise RuntimeError(f"object kind {kind.name!r} declared twice")
    KINDS[kind.name] = kind
    ACTIONS.setdefault(kind.name, {})
    return kind


def declare(action: Action) -> Action:
    """Add ``action`` to its kind; a name is declared once."""
    if action.kind not in KINDS:
        raise RuntimeError(f"declare the kind {action.kind!r} before its actions")
    table = ACTIONS[action.kind]
    if action.name in table:
        raise RuntimeError(f"action {action.key!r} declared twice")
    table[action.name] = action
    return action


def kind_of(name: str) -> ObjectKind | None:
    return KINDS.get(name)


def action_of(kind: str, name: str) -> Action | None:
    return ACTIONS.get(kind, {}).get(name)


def actions_of(kind: str) -> list[Action]:
    return list(ACTIONS.get(kind, {}).values())


def all_actions() -> list[Action]:
    return [a for table in ACTIONS.values() for a in table.values()]
