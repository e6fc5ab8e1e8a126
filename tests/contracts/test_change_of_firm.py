"""The contract register and the change of firm, as the parties meet them (docs/law.md §12):
registering a contract, the firm's notice before expiry, dismissal with its notice period, a
vote that chooses a new firm, the handover checklist, and the takeover after which new issues
route to the new firm."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.demo.votes import MEETING_TITLE
from deliberation.models import (
    Compound,
    Handover,
    Issue,
    Matter,
    Organization,
    OwnersVote,
    ServiceContract,
)
from deliberation.periodic import JOBS
from deliberation.services import vote_effects
from deliberation.services.contracts import register_contract, send_notice, start_handover, tick
from deliberation.services.issues import report_issue
from tests.support.clients import login_client
from tests.support.demo import user

pytestmark = pytest.mark.django_db

NEW_FIRM = "湖畔物业管理有限公司（示例）"


def _act(username: str, kind: str, pk: int, name: str, data: dict | None = None):  # type: ignore[no-untyped-def]
    return login_client(user(username)).post(
        reverse("action", args=[kind, pk, name]), data or {}, HTTP_ACCEPT="application/json"
    )


def _contract(demo, ends_on: date | None = None) -> ServiceContract:  # type: ignore[no-untyped-def]
    compound = demo.tuanjie
    assert compound.property_provider is not None
    today = timezone.localdate()
    return register_contract(
        actor=user("yeweihui"),
        compound=compound,
        firm=compound.property_provider,
        starts_on=today - timedelta(days=700),
        ends_on=ends_on or today + timedelta(days=300),
        fee_standards="住宅 2.10 元/㎡·月",
        service_level="北京市二级",
    )


def _handover(demo, days: int = 60) -> Handover:  # type: ignore[no-untyped-def]
    handover = start_handover(
        actor=user("yeweihui"),
        compound=demo.tuanjie,
        new_firm=Organization.objects.get(name=NEW_FIRM),
        reason=Handover.Reason.DISMISSAL,
        takeover_on=timezone.localdate() + timedelta(days=days),
    )
    assert handover is not None
    return handover


def test_the_committee_registers_a_contract_and_the_register_shows_it(demo) -> None:
    firm = demo.tuanjie.property_provider
    response = _act(
        "yeweihui",
        "contract_register",
        demo.tuanjie.pk,
        "register",
        {
            "register-firm": firm.pk,
            "register-starts_on": "2025-01-01",
            "register-ends_on": "2027-12-31",
            "register-fee_standards": "住宅 2.10 元/㎡·月 <script>",
            "register-service_level": "北京市二级",
            "register-renewal_notice_days": "90",
            "register-dismissal_notice_days": "60",
        },
    )
    assert response.status_code == 200, response.content
    contract = ServiceContract.objects.get(compound=demo.tuanjie)
    assert contract.renewal_notice_due == date(2027, 10, 2)
    page = login_client(user("jumin")).get(reverse("compound-contracts", args=[demo.tuanjie.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        firm.name in text
        and "&lt;script&gt;" in text
        and "<script>" not in text.split("住宅")[1][:20]
    )


def test_a_term_ending_before_it_starts_is_refused_and_nothing_is_stored(demo) -> None:
    response = _act(
        "yeweihui",
        "contract_register",
        demo.tuanjie.pk,
        "register",
        {
            "register-firm": demo.tuanjie.property_provider_id,
            "register-starts_on": "2027-01-01",
            "register-ends_on": "2026-01-01",
            "register-fee_standards": "x",
            "register-service_level": "y",
            "register-renewal_notice_days": "90",
            "register-dismissal_notice_days": "60",
        },
    )
    assert response.status_code == 400
    assert not ServiceContract.objects.exists()


def test_a_resident_may_read_the_register_but_not_register(demo) -> None:
    assert _act("jumin", "contract_register", demo.tuanjie.pk, "register").status_code == 403
    other = login_client(user("jumin2")).get(reverse("compound-contracts", args=[demo.tuanjie.pk]))
    assert other.status_code == 403


def test_the_firm_has_a_task_to_give_notice_90_days_before_expiry(demo) -> None:
    ends = timezone.localdate() + timedelta(days=120)
    contract = _contract(demo, ends_on=ends)
    tasks = [t for t in actions.tasks_for(user("wuye")) if t.action.kind == "contract"]
    assert [t.obj.pk for t in tasks] == [contract.pk]
    assert timezone.localdate(tasks[0].due) == ends - timedelta(days=90)
    assert _act("wuye", "contract", contract.pk, "give_notice").status_code == 200
    contract.refresh_from_db()
    assert contract.non_renewal_notice_at is not None
    assert not [t for t in actions.tasks_for(user("wuye")) if t.action.kind == "contract"]
    # A second press is refused: the step is no longer available.
    assert _act("wuye", "contract", contract.pk, "give_notice").status_code == 409


def test_dismissal_needs_the_contracts_notice_period(demo) -> None:
    contract = _contract(demo)
    new_firm = Organization.objects.get(name=NEW_FIRM)
    too_soon = timezone.localdate() + timedelta(days=30)
    data = {"dismiss-new_firm": new_firm.pk, "dismiss-takeover_on": too_soon.isoformat()}
    response = _act("yeweihui", "contract", contract.pk, "dismiss", data)
    assert response.status_code == 400
    assert "60" in response.content.decode()
    assert not Handover.objects.exists()
    data["dismiss-takeover_on"] = (timezone.localdate() + timedelta(days=60)).isoformat()
    assert _act("yeweihui", "contract", contract.pk, "dismiss", data).status_code == 200
    handover = Handover.objects.get()
    assert handover.old_firm_id == contract.firm_id and handover.contract_id == contract.pk
    # The firm stays until the takeover (art. 950).
    assert Compound.objects.get(pk=demo.tuanjie.pk).property_provider_id == contract.firm_id


def test_a_passed_vote_choosing_a_new_firm_starts_the_handover_not_a_switch(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING_TITLE)
    old = demo.tuanjie.property_provider_id
    matter = vote.matters.get(effect=Matter.Effect.PROPERTY_FIRM)
    vote_effects.carry_out(actor=user("yeweihui"), vote=vote, matter=matter)
    handover = Handover.objects.get(compound=demo.tuanjie)
    assert handover.reason == Handover.Reason.VOTE and handover.matter_id == matter.pk
    assert handover.new_firm_id == matter.effect_organization_id
    assert handover.takeover_on == timezone.localdate() + timedelta(days=60)
    assert Compound.objects.get(pk=demo.tuanjie.pk).property_provider_id == old
    # The committee now has the notice to send on its task list.
    names = {(t.action.kind, t.action.name) for t in actions.tasks_for(user("yeweihui"))}
    assert ("handover", "send_notice") in names


def test_takeover_waits_for_the_checklist_and_the_day(demo) -> None:
    handover = _handover(demo)
    send_notice(actor=user("yeweihui"), handover=handover)
    for item in ("rooms", "facilities", "records"):
        assert _act("wuye", "handover", handover.pk, "tick", {"tick-item": item}).status_code == 200
    # the checklist is open: the new firm cannot take over yet
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    assert _act("yeweihui", "handover", handover.pk, "take_over").status_code == 409
    assert _act("wuye", "handover", handover.pk, "tick", {"tick-item": "funds"}).status_code == 200
    # the checklist is complete: ticking again is refused
    assert _act("wuye", "handover", handover.pk, "tick", {"tick-item": "funds"}).status_code == 409


def _report(demo) -> Issue:  # type: ignore[no-untyped-def]
    return report_issue(
        actor=user("jumin"), channel="web", description="3号楼门禁坏了", compound=demo.tuanjie
    )


def _suggested(issue: Issue) -> str:
    page = login_client(user("juwei")).get(reverse("action", args=["issue", issue.pk, "dispatch"]))
    assert page.status_code == 200
    return page.context["form"].initial["responsible"]


def test_after_takeover_new_issues_route_to_the_new_firm_and_earlier_ones_to_the_old(
    demo,
) -> None:
    old = demo.tuanjie.property_provider_id
    handover = _handover(demo)
    send_notice(actor=user("yeweihui"), handover=handover)
    for item in Handover.CHECKLIST:
        tick(actor=user("wuye"), handover=handover, item=item)
    before = _report(demo)
    assert _suggested(before) == old  # the old firm carries on meanwhile
    # the takeover day comes: the periodic job makes the change without anyone pressing
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    assert JOBS["handover_takeovers"]() == 1
    compound = Compound.objects.get(pk=demo.tuanjie.pk)
    assert compound.property_provider_id == handover.new_firm_id
    after = _report(demo)
    assert _suggested(after) == handover.new_firm_id
    assert ServiceContract.objects.filter(ended_at__isnull=True, firm_id=old).count() == 0
    page = login_client(user("jumin")).get(reverse("compound-contracts", args=[compound.pk]))
    assert NEW_FIRM in page.content.decode().split('id="current-provider"')[1][:80]


def test_the_new_firm_takes_over_by_its_step_on_the_day(demo) -> None:
    handover = _handover(demo)
    send_notice(actor=user("yeweihui"), handover=handover)
    for item in Handover.CHECKLIST:
        tick(actor=user("wuye"), handover=handover, item=item)
    assert _act("yeweihui", "handover", handover.pk, "take_over").status_code == 409
    Handover.objects.filter(pk=handover.pk).update(takeover_on=timezone.localdate())
    assert _act("yeweihui", "handover", handover.pk, "take_over").status_code == 200
    assert Compound.objects.get(pk=demo.tuanjie.pk).property_provider_id == handover.new_firm_id
    # one change of firm at a time; a new one may start after the takeover
    assert Handover.objects.get(pk=handover.pk).status == Handover.Status.TAKEN_OVER


def test_the_notice_is_due_three_beijing_days_after_the_handover_starts(demo) -> None:
    """Started at 00:30 in Beijing (16:30 UTC the day before): due at the end of the third
    day after, counted in Beijing, not in UTC."""
    handover = _handover(demo)
    started = datetime(2026, 12, 3, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    Handover.objects.filter(pk=handover.pk).update(created_at=started)
    mine = actions.tasks_for(user("yeweihui"))
    tasks = [t for t in mine if t.kind.name == "handover" and t.obj.pk == handover.pk]
    assert [(t.action.name, timezone.localtime(t.due)) for t in tasks] == [
        ("send_notice", datetime(2026, 12, 6, 23, 59, tzinfo=ZoneInfo("Asia/Shanghai")))
    ]
