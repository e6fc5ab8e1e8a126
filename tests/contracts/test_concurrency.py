"""Two parties pressing the same step of a change of firm at once: one winner, one 409."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.errors import Conflict
from deliberation.models import Compound, Handover, Organization
from deliberation.services.contracts import send_notice, start_handover, take_over, tick
from tests.concurrency import run_together
from tests.support.demo import user

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_dismissals_at_once_start_one_change_and_two_takeovers_take_over_once(tdemo) -> None:
    compound = tdemo.tuanjie
    new_firm = Organization.objects.get(name="湖畔物业管理有限公司（示例）")
    on = timezone.localdate() + timedelta(days=60)

    def dismiss() -> object:
        return start_handover(
            actor=user("yeweihui"),
            compound=compound,
            new_firm=new_firm,
            reason=Handover.Reason.DISMISSAL,
            takeover_on=on,
        )

    results = run_together([dismiss, dismiss])
    assert sum(isinstance(r, Handover) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    handover = Handover.objects.get(compound=compound)
    send_notice(actor=user("yeweihui"), handover=handover)
    for item in Handover.CHECKLIST:
        tick(actor=user("wuye"), handover=handover, item=item)
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    results = run_together(
        [
            lambda: take_over(actor=user("yeweihui"), handover=handover),
            lambda: take_over(actor=user("juwei"), handover=handover),
        ]
    )
    assert sum(isinstance(r, Handover) for r in results) == 1
    assert sum(isinstance(r, Conflict) for r in results) == 1
    assert Compound.objects.get(pk=compound.pk).property_provider_id == new_firm.pk
