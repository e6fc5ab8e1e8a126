"""How our flows meet the domain's things: find a thing's process, the task waiting at a node,
and run it with viewflow's refusals turned into our ``Conflict`` (HTTP 409).

Every flow in ``workflows/`` has one process per thing (its ``artifact``: an issue, a work
order, an escalation, a session, an owners' vote). The domain never imports this package;
flows start from the domain's signals and pages reach them through the action registry.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from viewflow.fsm import TransitionNotAllowed
from viewflow.workflow import flow
from viewflow.workflow.exceptions import FlowLockFailed
from viewflow.workflow.models import Process, Task
from viewflow.workflow.status import STATUS

from deliberation.errors import Conflict
from deliberation.live import outbox


def process_of(thing: models.Model) -> Process | None:
    """The most recent process whose artifact is ``thing``, or None (a thing made before its
    flow existed, e.g. seeded data). A thing can have several: an issue back in triage after
    its intake process ended gets a fresh one, and only the latest moves."""
    return (
        Process.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(type(thing)),
            artifact_object_id=thing.pk,
        )
        .order_by("-id")
        .first()
    )


def waiting_task(process: Process | None, node: Any) -> Task | None:
    """The task of ``process`` waiting at ``node`` (the latest, where a loop came back),
    with its process (the node's run locks it by id without reading it again)."""
    if process is None:
        return None
    task = (
        Task.objects.filter(process=process, flow_task=node, status=STATUS.NEW)
        .order_by("-id")
        .first()
    )
    if task is not None:
        task.process = process
    return task


class Handle(flow.Handle):
    """viewflow's ``Handle`` whose run reads the task and its process in one query once
    the process is locked (viewflow's own reads the task, then the process on first use:
    two), and inserts the live events the step records together (``outbox.batched``);
    the same steps otherwise, in the same order."""

    def _create_wrapper_function(self, origin_func: Any, task: Task) -> Any:
        def func(**kwargs: Any) -> Any:
            with self.flow_class.lock(task.process_id):
                task.refresh_from_db(
                    from_queryset=type(task)._default_manager.select_related("process")
                )
                with outbox.batched():  # the step's live fragments: one INSERT
                    activation = self.activation_class(task)
                    result = activation.run(origin_func, **kwargs)
                    activation.execute()
                return result

        return func


def run_task(node: Any, task: Task, *, lost: str, **kwargs: Any) -> Any:
    """Run ``task`` at ``node`` with ``kwargs`` for its function. viewflow refuses a task that
    someone else finished meanwhile (TransitionNotAllowed) or whose process is locked past
    waiting (FlowLockFailed): both are a lost race, a ``Conflict`` saying ``lost``."""
    try:
        return node.run(task, **kwargs)
    except (TransitionNotAllowed, FlowLockFailed) as exc:
        raise Conflict(lost) from exc


def run_waiting(process: Process | None, node: Any, *, stale: str, lost: str, **kwargs: Any) -> Any:
    """Run the task waiting at ``node``; ``Conflict(stale)`` when none waits (the thing moved
    on since the page was drawn), ``Conflict(lost)`` when another step won the race."""
    task = waiting_task(process, node)
    if task is None:
        raise Conflict(stale)
    return run_task(node, task, lost=lost, **kwargs)
