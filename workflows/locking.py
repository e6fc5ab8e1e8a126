"""The process lock every flow of ours uses: a blocking row lock, safe inside our transactions.

viewflow's ``lock.select_for_update_lock`` asks PostgreSQL with NOWAIT and retries. Our flow
steps run inside the caller's transaction (entry points are ``@transaction.atomic`` and lock
domain rows first), and a refused NOWAIT there leaves the statement failed: the savepoint is
released as if nothing happened, the transaction is aborted, and every retry ends with
``InternalError: current transaction is aborted`` — two parties replying in the same second
lost one reply (``tests/workflows/test_flow_locks.py`` shows it). Waiting for the row instead
serialises the steps; PostgreSQL still breaks a real deadlock, with an error that rolls the
whole transaction back cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from viewflow.workflow import lock


class BlockingRowLock(lock.SelectForUpdateLock):
    """``SELECT … FOR UPDATE`` (no NOWAIT, no retry loop) on the process row."""

    def __init__(self) -> None:
        super().__init__(nowait=False, attempts=1)

    @contextmanager
    def __call__(self, flow_class: Any, process_pk: Any) -> Iterator[None]:
        with transaction.atomic():
            manager = flow_class.process_class._default_manager
            list(manager.select_for_update().filter(pk=process_pk).values_list("pk", flat=True))
            yield


#: Set as ``lock_impl`` on every flow in ``workflows/``.
process_row_lock = BlockingRowLock()
