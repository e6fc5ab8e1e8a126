"""What a person may do next on a thing, and taking that step.

``available`` is what the controls show; ``perform`` is the one path every state-changing
POST takes: policy first (a refusal is 403 before any input is read), then the thing's
state (409), then the form (400), then the action's service — in one transaction with the
"fetch your controls / task list again" markers for everyone following the thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, Forbidden
from deliberation.live.refresh import refresh_controls, refresh_tasks

from .registry import KINDS, Action, Outcome, actions_of


def may(user: Any, obj: Any, action: Action) -> bool:
    """Whether ``user`` may take ``action`` on ``obj`` in principle (policy only)."""
    subject = action.policy_object(obj) if action.policy_object else obj
    if not policy.can(user, action.rule, subject):
        return False
    return action.also is None or bool(action.also(user, obj))


def is_available(user: Any, obj: Any, action: Action) -> bool:
    """Possible now (the state allows it) and allowed (policy)."""
    return bool(action.when(obj)) and may(user, obj, action)


def available(user: Any, obj: Any, kind: str) -> list[Action]:
    """The steps ``user`` can take on ``obj`` now: the primary next step first, dangerous
    ones last; nothing for a finished thing."""
    found = [a for a in actions_of(kind) if is_available(user, obj, a)]
    return sorted(found, key=lambda a: (a.weight, a.order))


def controls_for(
    user: Any, obj: Any, kind: str, bound: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """Each available action with its form (the one sent back with errors, if any): what
    ``actions/_controls.html`` draws, on the page and when fetched again after a push.
    An action declared with ``extra={"controls": False}`` is drawn only where its input
    comes from (the owner register's confirm step, under its preview)."""
    bound = bound or {}
    return [
        {
            "action": action,
            "form": bound.get(action.name) or action.make_form(obj, user),
            "open": action.name in bound,
        }
        for action in available(user, obj, kind)
        if action.extra.get("controls", True)
    ]


def nested_controls(user: Any, obj: Any, kind: str) -> list[dict[str, Any]]:
    """The controls of the things drawn inside ``obj``'s (``ObjectKind.nested``), each as
    ``actions/_controls.html`` draws it; those with nothing for ``user`` are left out."""
    declared = KINDS[kind].nested
    found = []
    for inner_kind, inner in declared(obj) if declared else ():
        shown = controls_for(user, inner, inner_kind)
        if shown:
            found.append({"kind": inner_kind, "obj": inner, "shown": shown})
    return found


@dataclass
class InvalidForm(Exception):
    """The action's form did not validate (HTTP 400): re-show it with its errors."""

    action: Action
    form: Any


def perform(*, user: Any, obj: Any, action: Action, data: Any = None, files: Any = None) -> Outcome:
    """Take ``action`` on ``obj`` for ``user``. Raises ``Forbidden``, ``Conflict``,
    ``InvalidForm`` or the service's own ``InvalidInput`` / ``Conflict``."""
    if not may(user, obj, action):
        raise Forbidden(action.key)
    if not action.when(obj):
        raise Conflict(_("This step is no longer possible: the page was out of date."))
    cleaned: dict[str, Any] = {}
    form = action.make_form(obj, user, data, files)
    if form is not None:
        if not form.is_valid():
            raise InvalidForm(action, form)
        cleaned = form.cleaned_data
    kind = KINDS[action.kind]
    with transaction.atomic():
        outcome = action.run(obj, user, cleaned)
        audience = kind.audience(obj)
        if audience.topics:
            refresh_controls(kind=kind.name, pk=obj.pk, topics=audience.topics, actor=user)
        if audience.organizations or audience.users:
            refresh_tasks(organizations=audience.organizations, users=audience.users, actor=user)
    return outcome
