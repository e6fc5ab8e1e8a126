"""激励约束 (docs/law.md §9): the published community evaluation list feeds what the
platform does. A black-listed firm's completed work is approved by the community only with
a written record of what was checked on site; the list's mark (red or black) is shown where
owners see their compound's provider."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation.errors import InvalidInput
from deliberation.models import EvaluationResult, WorkOrder
from deliberation.services.work_orders import verify_work_order
from tests.intake.factories import completed
from tests.support import evaluation_cycles as ev
from tests.support.clients import login_client


def _listed(listing: str) -> None:
    """The latest published list puts 京朝物业 (团结公寓's firm) on ``listing``."""
    cycle = ev.published()
    EvaluationResult.objects.filter(
        cycle=cycle, organization=ev.org(ev.JINGCHAO), compound__isnull=True
    ).update(listing=listing)


def test_a_black_listed_firms_work_needs_an_on_site_record_to_be_approved(demo) -> None:
    _listed("black")
    _issue, order = completed()
    with pytest.raises(InvalidInput) as refused:
        verify_work_order(work_order=order, actor=ev.user("juwei"), approved=True)
    assert "note" in refused.value.fields
    assert WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.COMPLETED
    verified = verify_work_order(
        work_order=order, actor=ev.user("juwei"), approved=True, note="现场查看，灯已亮。"
    )
    assert verified.status == WorkOrder.Status.VERIFIED


def test_other_firms_work_is_approved_as_before(demo) -> None:
    _listed("")
    _issue, order = completed()
    verified = verify_work_order(work_order=order, actor=ev.user("juwei"), approved=True)
    assert verified.status == WorkOrder.Status.VERIFIED


@pytest.mark.parametrize(("listing", "shown"), [("red", "红榜"), ("black", "黑榜")])
def test_the_compound_page_shows_the_providers_mark(demo, listing: str, shown: str) -> None:
    _listed(listing)
    page = login_client(ev.user("jumin")).get(reverse("compound-detail", args=[ev.tuanjie().pk]))
    assert shown in page.content.decode()
