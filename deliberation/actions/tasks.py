"""One task list per person: everything on which they, or an organization they act for,
hold a step someone expects them to take ("我的待办"), soonest due first.

Each kind that can hold tasks names its candidates in one joined query; the list then asks
each task action's state and rule of every candidate, so the same few queries serve 10 or
1,000 rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from deliberation.policy import load_principal

from .registry import CANDIDATES_TOTAL, KINDS, Action, ObjectKind, actions_of
from .running import is_available

#: A task due within this long is "due soon".
DUE_SOON = timedelta(hours=24)
#: Tasks drawn in the list on a page (home, inbox) before "show all N": a committee with
#: hundreds of reports waiting for triage would otherwise draw every one of them on each
#: page view and each refetch after a push (~150 ms of CPU at 500), and the inbox's own
#: sections already page through them.
TASKS_SHOWN = 20


@dataclass(frozen=True)
class Task:
    kind: ObjectKind
    action: Action
    obj: Any
    due: datetime | None

    @property
    def url(self) -> str:
        if self.action.task_url is not None:
            return self.action.task_url(self.obj)
        return self.kind.page_url(self.obj)

    @property
    def title(self) -> str:
        return self.kind.title(self.obj)

    @property
    def label(self) -> str:
        return str(self.action.task_label or self.action.label)

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()

    @property
    def due_soon(self) -> bool:
        return self.due is not None and not self.overdue and self.due < timezone.now() + DUE_SOON

    @property
    def one_tap(self) -> bool:
        """Taken from the list itself: no input needed and nothing dangerous."""
        return self.action.form is None and not self.action.confirm


def tasks_for(user: Any) -> list[Task]:
    """The person's tasks: overdue and soonest due first, undated ones last."""
    return loaded_tasks(user)[0]


def loaded_tasks(user: Any) -> tuple[list[Task], int]:
    """``tasks_for``, and how many candidates a kind that loads only some of them left
    out (``CANDIDATES_TOTAL``): tasks in the count, not in the list."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    principal = load_principal(user)
    found: list[Task] = []
    not_loaded = 0
    for kind in KINDS.values():
        task_actions = [a for a in actions_of(kind.name) if a.task]
        if kind.task_candidates is None or not task_actions:
            continue
        task_actions.sort(key=lambda a: (a.weight, a.order))
        candidates = list(kind.task_candidates(principal))
        if candidates:  # the rest of a capped kind pass the rule its query already applies
            total = getattr(candidates[0], CANDIDATES_TOTAL, len(candidates))
            not_loaded += total - len(candidates)
        for obj in candidates:
            for action in task_actions:  # one task per thing: its primary next step
                if is_available(user, obj, action):
                    due = action.due(obj) if action.due else None
                    found.append(Task(kind, action, obj, due))
                    break
    far = datetime.max.replace(tzinfo=timezone.get_current_timezone())
    found.sort(key=lambda t: (t.due or far, t.kind.name, t.obj.pk))
    return found, not_loaded


def task_list_context(user: Any, *, everything: bool = False, **extra: Any) -> dict[str, Any]:
    """What ``actions/_tasks.html`` draws: the first ``TASKS_SHOWN`` tasks (all of them
    with ``everything``), how many there are in all, how many loaded ones are not drawn
    (``more``) and how many were not loaded at all (``not_loaded``: a committee's backlog
    of reports beyond those its list loads, left to its inbox's triage queue)."""
    tasks, not_loaded = loaded_tasks(user)
    shown = tasks if everything else tasks[:TASKS_SHOWN]
    return {
        "tasks": shown,
        "task_count": len(tasks) + not_loaded,
        "more": len(tasks) - len(shown),
        "not_loaded": not_loaded,
        **extra,
    }
