"""Demo public revenue for 团结公寓 (illustrative figures): three quarters of parking and
advertising income before the current one, a repair paid from it, the two oldest quarters
published, the last one due for publication, and in the current quarter an entry awaiting
approval and a spending large enough to need an owners' vote."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from deliberation.law.ledger import Quarter
from deliberation.models import Compound, LedgerEntry, User
from deliberation.services import ledger as svc

E = LedgerEntry
C = E.Category


def _quarters_before(today: date, n: int) -> list[Quarter]:
    """The ``n`` quarters before today's, oldest first."""
    found: list[Quarter] = []
    day = Quarter.of(today).first_day
    for _ in range(n):
        day = Quarter.of(day - timedelta(days=1)).first_day
        found.append(Quarter.of(day))
    return found[::-1]


def _enter(
    firm_user: User, compound: Compound, day: date, category: str, amount: str, what: str, who: str
) -> LedgerEntry:
    direction = E.Direction.SPENDING if category in svc.SPENDING_CATEGORIES else E.Direction.INCOME
    assert compound.property_provider is not None
    entry, _created = svc.record_entry(
        actor=firm_user,
        compound=compound,
        organization=compound.property_provider,
        spec=svc.EntrySpec(direction, category, Decimal(amount), day, what, who),
        today=max(day, timezone.localdate()),
    )
    return entry


def seed_ledger() -> None:
    compound = Compound.objects.select_related("property_provider").get(name="团结公寓")
    if E.objects.filter(compound=compound).exists():
        return
    wuye = User.objects.get(username="wuye")
    yeweihui = User.objects.get(username="yeweihui")
    today = timezone.localdate()
    oldest, middle, last = _quarters_before(today, 3)
    for quarter in (oldest, middle, last):
        start = quarter.first_day
        for month in range(3):
            day = start + timedelta(days=31 * month + 4)
            parking = _enter(
                wuye, compound, day, C.PARKING, "4800.00", "地面停车位月租（12个）", "车主"
            )
            svc.approve_entry(actor=yeweihui, entry=parking)
        ads = _enter(
            wuye,
            compound,
            start + timedelta(days=10),
            C.ADVERTISING,
            "6000.00",
            "电梯轿厢广告位（季度）",
            "北京某传媒有限公司",
        )
        svc.approve_entry(actor=yeweihui, entry=ads)
    repair = _enter(
        wuye,
        compound,
        middle.first_day + timedelta(days=40),
        C.REPAIRS,
        "3200.00",
        "楼道照明维修（公共收益支出）",
        "京朝物业维修部",
    )
    svc.approve_entry(actor=yeweihui, entry=repair)
    for quarter in (oldest, middle):
        svc.publish_quarter(actor=yeweihui, compound=compound, today=quarter.publish_by)
    current = Quarter.of(today).first_day
    _enter(wuye, compound, current, C.PARKING, "4800.00", "地面停车位月租（12个）", "车主")
    _enter(
        wuye,
        compound,
        current,
        C.SERVICES,
        "36000.00",
        "新增电动自行车充电桩（报价）",
        "某充电设备公司",
    )
