"""The deadline sweep's cost: many orders going overdue at once (measured, printed)."""

from __future__ import annotations

import time
from datetime import timedelta

from django.utils import timezone

from deliberation.models import Escalation, WorkOrder
from deliberation.services.work_orders import sweep_deadlines
from tests.intake.factories import tuanjie


def test_sweep_100_overdue_orders(demo) -> None:
    compound = tuanjie()
    now = timezone.now()
    WorkOrder.objects.bulk_create(
        WorkOrder(
            responsible=compound.property_provider,
            title=f"工单{i}",
            compound=compound,
            respond_by=now - timedelta(hours=1),
            resolve_by=now + timedelta(days=1),
        )
        for i in range(100)
    )
    started = time.perf_counter()
    opened = sweep_deadlines(now=now)
    elapsed = time.perf_counter() - started
    print(f"SWEEP 100 overdue orders: {elapsed:.2f} s, {opened} escalations")
    assert opened >= 100 and Escalation.objects.count() >= 100
    assert sweep_deadlines(now=now) == 0
