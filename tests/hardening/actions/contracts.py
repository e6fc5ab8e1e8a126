"""Matrix rows and budgets of the contract register and the change of firm
(``contract_register``, ``contract``, ``handover``; ``deliberation/actions/contracts.py``):
团结公寓's contract with 京朝物业, and its change to 湖畔物业 (no matrix role works for the new
firm: its members are covered by the service tests in tests/contracts/)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from deliberation.models import Compound, Handover, Organization, ServiceContract, User

from . import KindBudget, Row, allowed_roles

OWNERS_SIDE = allowed_roles("owners_committee", "residents_committee")
FIRM = allowed_roles("property_firm")
FEES = "matrix: 住宅 2.10 元/㎡·月"
NEW_FIRM = "湖畔物业管理有限公司（示例）"


def tuanjie(demo: Any) -> Compound:
    return demo.tuanjie


def _contract(demo: Any, **fields: Any) -> ServiceContract:
    today = timezone.localdate()
    firm_id = demo.tuanjie.property_provider_id
    assert firm_id is not None
    return ServiceContract.objects.create(
        compound=demo.tuanjie,
        firm_id=firm_id,
        starts_on=today - timedelta(days=600),
        ends_on=today + timedelta(days=120),
        fee_standards=FEES,
        service_level="北京市二级",
        registered_by=User.objects.get(username="yeweihui"),
        **fields,
    )


def current(demo: Any) -> ServiceContract:
    return _contract(demo)


def noticed(demo: Any) -> ServiceContract:
    return _contract(demo, non_renewal_notice_at=timezone.now())


def ended(demo: Any) -> ServiceContract:
    return _contract(demo, ended_at=timezone.now())


def _handover(demo: Any, status: str, *, done: bool = False, today: bool = False) -> Handover:
    now = timezone.now()
    ticks = {f"{item}_at": now for item in Handover.CHECKLIST} if done else {}
    return Handover.objects.create(
        compound=demo.tuanjie,
        old_firm_id=demo.tuanjie.property_provider_id,
        new_firm=Organization.objects.get(name=NEW_FIRM),
        reason=Handover.Reason.DISMISSAL,
        status=status,
        takeover_on=timezone.localdate() + timedelta(days=0 if today else 60),
        started_by=User.objects.get(username="yeweihui"),
        **ticks,
    )


def to_notify(demo: Any) -> Handover:
    return _handover(demo, Handover.Status.NOTICE)


def handing_over(demo: Any) -> Handover:
    return _handover(demo, Handover.Status.HANDING_OVER, today=True)


def ready(demo: Any) -> Handover:
    return _handover(demo, Handover.Status.HANDING_OVER, done=True, today=True)


def _register_data(demo: Any, obj: Any, user: Any) -> dict[str, Any]:
    return {
        "register-firm": demo.tuanjie.property_provider_id,
        "register-starts_on": "2025-01-01",
        "register-ends_on": "2027-12-31",
        "register-fee_standards": FEES,
        "register-service_level": "北京市二级",
        "register-renewal_notice_days": "90",
        "register-dismissal_notice_days": "60",
    }


def _dismiss_data(demo: Any, obj: Any, user: Any) -> dict[str, Any]:
    return {
        "dismiss-new_firm": Organization.objects.get(name=NEW_FIRM).pk,
        "dismiss-takeover_on": (timezone.localdate() + timedelta(days=61)).isoformat(),
    }


def _status(h: Any) -> str:
    return Handover.objects.get(pk=h.pk).status


ROWS: list[Row] = [
    Row(
        "contract_register.register",
        OWNERS_SIDE,
        available=tuanjie,
        unavailable=None,
        always="another contract may always be registered",
        data=_register_data,
        done=lambda c: ServiceContract.objects.filter(compound=c, fee_standards=FEES).exists(),
    ),
    Row(
        "contract.give_notice",
        FIRM,
        available=current,
        unavailable=noticed,
        done=lambda c: ServiceContract.objects.get(pk=c.pk).non_renewal_notice_at is not None,
    ),
    Row(
        "contract.dismiss",
        OWNERS_SIDE,
        available=current,
        unavailable=ended,
        data=_dismiss_data,
        done=lambda c: Handover.objects.filter(contract_id=c.pk).exists(),
    ),
    Row(
        "handover.send_notice",
        OWNERS_SIDE,
        available=to_notify,
        unavailable=handing_over,
        done=lambda h: _status(h) == Handover.Status.HANDING_OVER,
        isolated=True,
    ),
    Row(
        "handover.tick",
        OWNERS_SIDE | FIRM,
        available=handing_over,
        unavailable=ready,
        data=lambda demo, h, user: {"tick-item": "rooms"},
        done=lambda h: Handover.objects.get(pk=h.pk).rooms_at is not None,
        isolated=True,
    ),
    Row(
        "handover.take_over",
        OWNERS_SIDE,
        available=ready,
        unavailable=handing_over,
        done=lambda h: _status(h) == Handover.Status.TAKEN_OVER,
        isolated=True,
    ),
]


def grow_contracts(demo: Any, n: int) -> None:
    """More contracts of the firm, each nearing its end (its task list reads them)."""
    today = timezone.localdate()
    compound, yeweihui = demo.tuanjie, User.objects.get(username="yeweihui")
    ServiceContract.objects.bulk_create(
        ServiceContract(
            compound=compound,
            firm_id=compound.property_provider_id,
            starts_on=today - timedelta(days=600 + i),
            ends_on=today + timedelta(days=100),
            fee_standards="budget",
            service_level="budget",
            registered_by=yeweihui,
        )
        for i in range(n)
    )


def grow_handovers(demo: Any, n: int) -> None:
    """Compounds of 团结公寓's community, committee and firm, each changing firm."""
    t = demo.tuanjie
    start = Compound.objects.count()
    compounds = Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"换聘小区{start + i}",
            category=t.category,
            management_mode=t.management_mode,
            property_provider_id=t.property_provider_id,
            owners_committee_id=t.owners_committee_id,
        )
        for i in range(n)
    )
    new_firm = Organization.objects.get(name=NEW_FIRM)
    yeweihui = User.objects.get(username="yeweihui")
    Handover.objects.bulk_create(
        Handover(
            compound=c,
            old_firm_id=t.property_provider_id,
            new_firm=new_firm,
            reason=Handover.Reason.VOTE,
            takeover_on=timezone.localdate() + timedelta(days=60),
            started_by=yeweihui,
        )
        for c in compounds
    )


BUDGETS: dict[str, KindBudget] = {
    "contract_register": KindBudget(tuanjie, grow_contracts, grow_contracts),
    "contract": KindBudget(current, grow_contracts, grow_contracts),
    "handover": KindBudget(to_notify, grow_handovers, grow_handovers),
}
