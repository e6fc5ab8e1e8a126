"""Tell open pages to fetch their controls or task list again.

Controls and task lists are per person, so they are never pushed themselves: a change
pushes a content-free "fetch again" marker on the topics the pages already follow, and each
page asks for its own copy with one budgeted GET (``static/js/live.js``, ``data-refetch``).
The marker says only that something changed, never what.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.dispatch import Signal
from django.urls import reverse

from .outbox import record_events
from .topics import topic

TEMPLATE = "actions/_refetch.html"

#: Sent by ``refresh_tasks`` with ``organizations`` and ``users``: their task lists may have
#: changed (the notifications of new tasks listen, ``deliberation.tasks.notifications``).
tasks_changed = Signal()


def refresh_controls(*, kind: str, pk: int, topics: Iterable[str], actor: Any = None) -> None:
    """Inside the writer's transaction: pages showing the controls of (kind, pk) refetch."""
    url = reverse("action-controls", args=[kind, pk])
    record_events(  # the same marker on every topic: rendered once, inserted in one statement
        topics=sorted(set(topics)),
        kind="controls",
        template=TEMPLATE,
        context={"url": url, "target": f"controls-{kind}-{pk}"},
        actor=actor,
    )


def task_topics(*, organizations: Iterable[int] = (), users: Iterable[int] = ()) -> list[str]:
    """The topics a task list listens on: its organizations' inboxes and its person's home."""
    return [topic("org", o, "inbox") for o in set(organizations)] + [
        topic("user", u, "home") for u in set(users)
    ]


def refresh_tasks(
    *, organizations: Iterable[int] = (), users: Iterable[int] = (), actor: Any = None
) -> None:
    """Inside the writer's transaction: the task lists of these organizations' members and
    of these people refetch."""
    organizations, users = list(organizations), list(users)
    tasks_changed.send(sender=None, organizations=organizations, users=users)
    url = reverse("task-list")
    # One marker for all the parties (rendered once, one insert, one publish): dispatching
    # to thirty organizations costs the queries of dispatching to one.
    record_events(
        topics=sorted(task_topics(organizations=organizations, users=users)),
        kind="tasks",
        template=TEMPLATE,
        context={"url": url, "target": "task-list"},
        actor=actor,
    )
