"""Every flow's process lock on PostgreSQL, with real row locks (issue 5).

Flow steps run inside our own transactions (``@transaction.atomic`` entry points that also
lock domain rows). viewflow's ``select_for_update_lock`` asks with NOWAIT: a refused NOWAIT
aborts the *whole* PostgreSQL transaction, so its retries fail with "current transaction is
aborted" instead of waiting. Two completions on one process must both get through, one
after the other."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connection, connections, transaction
from viewflow.workflow.models import Process

from workflows.escalations import EscalationFlow
from workflows.intake import IntakeFlow
from workflows.owners_vote import OwnersVoteFlow
from workflows.sessions import SessionFlow
from workflows.work_orders import WorkOrderFlow

pytestmark = pytest.mark.django_db(transaction=True)

FLOWS = [IntakeFlow, WorkOrderFlow, EscalationFlow, OwnersVoteFlow, SessionFlow]


def _step(flow_class: Any, pk: int, hold: float, entered: list[str], name: str) -> None:
    """What a flow entry point does: its own transaction, then the flow's process lock."""
    with transaction.atomic():
        Process.objects.filter(pk=pk).exists()  # the entry point's own reads come first
        with flow_class.lock_impl(flow_class, pk):
            entered.append(f"{name} in")
            time.sleep(hold)
            Process.objects.filter(pk=pk).update(data={"last": name})
            entered.append(f"{name} out")


def test_database_is_postgresql() -> None:
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("flow_class", FLOWS, ids=[f.__name__ for f in FLOWS])
def test_two_completions_on_one_process_both_get_through(flow_class: Any) -> None:
    process = Process.objects.create(flow_class=flow_class)
    entered: list[str] = []
    errors: list[BaseException] = []
    first_in = threading.Event()

    def worker(name: str, hold: float, wait_for: threading.Event | None) -> None:
        try:
            if wait_for is not None:
                assert wait_for.wait(10)
            else:
                # Signal once the first holder is inside its lock.
                threading.Thread(target=_signal_when_in, daemon=True).start()
            _step(flow_class, process.pk, hold, entered, name)
        except BaseException as exc:  # noqa: BLE001  collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    def _signal_when_in() -> None:
        deadline = time.monotonic() + 10
        while "first in" not in entered and time.monotonic() < deadline:
            time.sleep(0.01)
        first_in.set()

    threads = [
        threading.Thread(target=worker, args=("first", 1.0, None)),
        threading.Thread(target=worker, args=("second", 0.0, first_in)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    # Serialised: the second entered only after the first left.
    assert entered == ["first in", "first out", "second in", "second out"], entered
    process.refresh_from_db()
    assert process.data == {"last": "second"}
