"""Every flow is readable as a diagram (each node says what it is for, in both languages;
gates name their questions) and meets its things through ``workflows.processes``: the latest
process of a thing is the one that moves, and a step that lost a race is a 409."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation
from viewflow.workflow.models import Process, Task
from viewflow.workflow.nodes import If, Switch
from viewflow.workflow.status import STATUS

from deliberation.errors import Conflict
from deliberation.models import OwnersVote
from tests.intake.factories import report, tuanjie, user
from workflows import intake, processes, work_orders
from workflows.escalations import EscalationFlow
from workflows.intake import IntakeFlow
from workflows.owners_vote import OwnersVoteFlow
from workflows.sessions import SessionFlow
from workflows.work_orders import WorkOrderFlow

FLOWS = [IntakeFlow, WorkOrderFlow, EscalationFlow, OwnersVoteFlow, SessionFlow]


def _nodes(flow_class: Any) -> list[Any]:
    return list(flow_class.instance.nodes())


@pytest.mark.parametrize("flow_class", FLOWS, ids=[f.__name__ for f in FLOWS])
def test_every_node_has_a_title_and_a_description_in_chinese(flow_class: Any) -> None:
    unexplained = []
    for node in _nodes(flow_class):
        with translation.override("en"):
            title, description = str(node.task_title), str(node.task_description)
        with translation.override("zh-hans"):
            title_zh, description_zh = str(node.task_title), str(node.task_description)
        # viewflow's default title is the node's name, in English only
        if not description or title_zh == title or description_zh == description:
            unexplained.append(node.name)
    assert unexplained == []
    with translation.override("en"):
        english = str(flow_class.process_title), str(flow_class.process_description)
    with translation.override("zh-hans"):
        chinese = str(flow_class.process_title), str(flow_class.process_description)
    assert all(english) and chinese[0] != english[0] and chinese[1] != english[1]


@pytest.mark.parametrize("flow_class", FLOWS, ids=[f.__name__ for f in FLOWS])
def test_gates_ask_named_questions(flow_class: Any) -> None:
    anonymous = []
    for node in _nodes(flow_class):
        if isinstance(node, If):
            conditions = [node._condition]
        elif isinstance(node, Switch):
            conditions = [cond for _next, cond in node._branches if cond is not None]
        else:
            continue
        anonymous += [node.name for c in conditions if c.__name__ == "<lambda>"]
    assert anonymous == []


def test_the_latest_process_of_a_thing_is_the_one_found(demo) -> None:
    issue = report()
    first = processes.process_of(issue)
    assert first is not None and intake.process_of(issue) == first
    later = Process.objects.create(flow_class=IntakeFlow, artifact=issue)
    assert intake.process_of(issue) == later
    vote = OwnersVote.objects.order_by("id").first()
    assert vote is not None
    Process.objects.create(flow_class=OwnersVoteFlow, artifact=vote)
    newer = Process.objects.create(flow_class=OwnersVoteFlow, artifact=vote)
    assert processes.process_of(vote) == newer


def test_a_task_someone_else_finished_is_a_conflict(demo) -> None:
    issue = report()
    order = intake.triage(
        issue, "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )
    task = processes.waiting_task(work_orders.process_of(order), WorkOrderFlow.respond)
    assert task is not None
    stale = Task.objects.get(pk=task.pk)  # what a second request loaded before the first ran
    work_orders.perform(order, "accept", actor=user("wuye"))
    assert Task.objects.get(pk=task.pk).status == STATUS.DONE
    with pytest.raises(Conflict) as refused:
        processes.run_task(
            WorkOrderFlow.respond,
            stale,
            lost="lost",
            step=work_orders.STEPS["accept"][1],
            actor=user("wuye"),
        )
    assert str(refused.value) == "lost"
    with pytest.raises(Conflict):  # and through the page's entry point, the order moved on
        work_orders.perform(order, "accept", actor=user("wuye"))
