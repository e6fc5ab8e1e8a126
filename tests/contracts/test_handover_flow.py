"""The change of firm's viewflow process follows the handover's status (workflows/handovers.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from viewflow.workflow.status import STATUS

from deliberation.models import Handover, Organization
from deliberation.services.contracts import send_notice, start_handover, take_over, tick
from tests.support.demo import user
from workflows.processes import process_of

pytestmark = pytest.mark.django_db


def _open_nodes(handover: Handover) -> list[str]:
    process = process_of(handover)
    assert process is not None
    return sorted(
        t.flow_task.name
        for t in process.task_set.exclude(status__in=[STATUS.DONE, STATUS.CANCELED])
    )


def test_the_process_moves_from_notice_through_handover_to_its_end(demo) -> None:
    handover = start_handover(
        actor=user("yeweihui"),
        compound=demo.tuanjie,
        new_firm=Organization.objects.get(name="湖畔物业管理有限公司（示例）"),
        reason=Handover.Reason.DISMISSAL,
    )
    assert handover is not None
    assert _open_nodes(handover) == ["notice"]
    send_notice(actor=user("yeweihui"), handover=handover)
    assert _open_nodes(handover) == ["handing_over"]
    for item in Handover.CHECKLIST:
        tick(actor=user("wuye"), handover=handover, item=item)
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    take_over(actor=user("yeweihui"), handover=handover)
    process = process_of(handover)
    assert process is not None and process.status == STATUS.DONE
    assert handover.takeover_on <= timezone.localdate() + timedelta(days=60)
