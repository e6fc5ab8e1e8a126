"""Two people act on one order at the same moment: exactly one wins, the other is told."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from deliberation.models import WorkOrder
from deliberation.services.conflicts import Conflict
from tests.intake.factories import report, tuanjie, user
from workflows import intake
from workflows.work_orders import perform

pytestmark = pytest.mark.django_db(transaction=True)


def test_double_accept_has_one_winner(tdemo) -> None:
    order = intake.triage(
        report(), "dispatch", actor=user("juwei"), responsible=tuanjie().property_provider
    )
    firm = user("wuye")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept() -> None:
        try:
            barrier.wait()
            perform(WorkOrder.objects.get(pk=order.pk), "accept", actor=firm)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["conflict", "ok"]
    assert WorkOrder.objects.get(pk=order.pk).status == "in_progress"
    assert order.notes.count() == 0 and order.issue.activities.filter(kind="accepted").count() == 1
