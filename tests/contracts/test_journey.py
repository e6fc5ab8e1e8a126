"""Done-when, at the service level: 团结公寓's meeting chooses 湖畔物业 and the lift
replacement; publishing the results starts the handover (the provider does not change yet)
and makes the lift matter a work order for the firm still serving; after the takeover new
issues route to 湖畔物业."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deliberation.demo.votes import MEETING_TITLE
from deliberation.errors import Conflict, InvalidInput
from deliberation.models import Compound, Handover, Matter, OwnersVote, Voter
from deliberation.selectors.work_orders import suggest_responsible
from deliberation.services import votes as svc
from deliberation.services.contracts import send_notice, take_over, tick
from deliberation.services.issues import report_issue
from tests.support.demo import user

pytestmark = pytest.mark.django_db


def test_the_firm_change_matter_starts_the_handover_and_takeover_reroutes_issues(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING_TITLE)
    old = demo.tuanjie.property_provider_id
    matters = list(vote.matters.order_by("position"))
    for voter in Voter.objects.filter(vote=vote, person__isnull=False).select_related("person"):
        for matter in matters:
            try:
                svc.cast_ballot(actor=voter.person, matter=matter, choice="agree")
            except (Conflict, InvalidInput):  # already entered on paper in the demo
                continue
    OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    vote.refresh_from_db()
    assert svc.close_voting(vote=vote)
    vote.refresh_from_db()
    svc.publish_results(actor=user("yeweihui"), vote=vote)

    firm_matter = vote.matters.get(effect=Matter.Effect.PROPERTY_FIRM)
    lift = vote.matters.get(effect=Matter.Effect.WORK_ORDER)
    assert firm_matter.outcome == "passed" and lift.outcome == "passed"
    handover = Handover.objects.get(compound=demo.tuanjie)
    assert handover.matter_id == firm_matter.pk and handover.old_firm_id == old
    compound = Compound.objects.get(pk=demo.tuanjie.pk)
    assert compound.property_provider_id == old  # the old firm carries on (art. 950)
    assert lift.work_order is not None and lift.work_order.responsible_id == old

    send_notice(actor=user("yeweihui"), handover=handover)
    for item in Handover.CHECKLIST:
        tick(actor=user("wuye"), handover=handover, item=item)
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    take_over(actor=user("yeweihui"), handover=handover)
    issue = report_issue(
        actor=user("jumin"), channel="web", description="电梯异响", compound=demo.tuanjie
    )
    assert issue.compound is not None
    fresh = Compound.objects.select_related("property_provider").get(pk=issue.compound_id)
    routed = suggest_responsible(fresh)
    assert routed is not None and routed.pk == firm_matter.effect_organization_id
