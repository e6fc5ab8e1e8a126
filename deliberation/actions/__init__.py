"""Every step a person can take, declared once (``registry``); what they may do next and
taking it (``running``); their task list (``tasks``). Area modules declare their kinds and
actions when imported, at the bottom of this module."""

from __future__ import annotations

from . import (  # noqa: E402,F401,I001  (each area declares its kinds and actions)
    accounts,
    announcements,
    committee_bodies,
    committees,
    compounds,
    contracts,
    evaluations,
    evidence,
    hotline,
    indicators,
    invitations,
    issues,
    ledger,
    meetings,
    minutes,
    register,
    sessions,
    votes,
    work_orders,
)
from .registry import (
    ACTIONS,
    KINDS,
    Action,
    Audience,
    ObjectKind,
    Outcome,
    Weight,
    action_of,
    actions_of,
    all_actions,
    declare,
    declare_kind,
    kind_of,
)
from .running import (
    InvalidForm,
    available,
    controls_for,
    is_available,
    may,
    nested_controls,
    perform,
)
from .tasks import Task, task_list_context, tasks_for

__all__ = [
    "ACTIONS",
    "KINDS",
    "Action",
    "Audience",
    "InvalidForm",
    "ObjectKind",
    "Outcome",
    "Task",
    "Weight",
    "action_of",
    "actions_of",
    "all_actions",
    "available",
    "controls_for",
    "declare",
    "declare_kind",
    "is_available",
    "kind_of",
    "may",
    "nested_controls",
    "perform",
    "task_list_context",
    "tasks_for",
]
