"""Flows that follow a thing's status (owners' votes, handovers, committee bodies, evaluation
cycles).

The domain's services hold every rule and move the thing's status; they send a signal, and
the thing's process completes each step whose status the thing has left (``pending_while``:
a node stays open while the status is one of these). Tasks are completed here, never by
viewflow's own pages (which are not mounted): ``task_page`` only sends a stray visitor home.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import Signal
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from workflows.processes import process_of


def task_page(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    """Our own pages complete the tasks (votes/…); viewflow's frontend is not mounted."""
    return HttpResponseRedirect("/")


def follow_status(
    thing: models.Model,
    *,
    start: Callable[[], Process],
    status: Callable[[], str],
    pending_while: Mapping[str, set[str]],
    max_steps: int,
) -> Process:
    """Start ``thing``'s process if needed (``start``) and complete every step its current
    ``status()`` has passed; a completed step may open the next, so repeat (at most one
    round per node)."""
    process = process_of(thing) or start()
    for _round in range(max_steps):
        current = status()
        progressed = False
        open_tasks = (
            Task.objects.filter(process=process)
            .exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
            .order_by("id")
        )
        for task in list(open_tasks):
            name = task.flow_task.name
            if name in pending_while and current not in pending_while[name]:
                complete_task(task)
                progressed = True
        if not progressed:
            break
    return process


def complete_task(task: Task) -> None:
    """Finish a step the thing has passed: a human task as its owner (or, unassigned, the
    system user), any other node by running it."""
    if task.flow_task_type == "HUMAN":
        with task.activation() as activation:
            if task.status == STATUS.NEW:
                activation.assign(task.owner or _system_user())
            activation.start(None)
            activation.execute()
    else:
        task.flow_task.run(task)


def _system_user() -> Any:
    """A View task nobody was assigned (no committee): record the system user as owner."""
    user = get_user_model().objects.filter(is_superuser=True).order_by("id").first()
    if user is None:
        raise RuntimeError("no user to record as the owner of an unassigned task")
    return user


def follow_on(signal: Signal, *, sender: type, argument: str, follow: Callable[[Any], Any]) -> None:
    """Call ``follow(thing)`` when ``signal`` announces a change of ``thing`` (its keyword
    ``argument``). A change made while following (a step's own effect) is not followed again:
    the outer loop sees the new status. The guard is per signal, so a vote starting a
    handover still starts the handover's process."""
    local = threading.local()

    def receive(sender: Any, **kwargs: Any) -> None:
        if getattr(local, "busy", False):
            return
        local.busy = True
        try:
            follow(kwargs[argument])
        finally:
            local.busy = False

    signal.connect(receive, sender=sender, weak=False, dispatch_uid=f"follow:{sender.__name__}")
