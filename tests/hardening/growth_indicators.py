"""The indicators' pages, exports and the rising-trend alarm, for the matrix and the budgets:
the thing (an alarm in 团结公寓) and how to grow the rows the pages read."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.models import Compound, Organization, TrendAlarm

from . import growth_intake


def alarm(demo: Any, *, acknowledged: bool = False) -> TrendAlarm:
    """A rising-trend alarm in 团结公寓 (open, or already acknowledged by juwei)."""
    month = date(2000 + TrendAlarm.objects.count() % 90, 1, 1)
    return TrendAlarm.objects.create(
        compound=demo.tuanjie,
        month=month,
        counts="4 → 6 → 9",
        due=timezone.now() + timedelta(days=7),
        acknowledged_at=timezone.now() if acknowledged else None,
        acknowledged_by=demo.user("juwei") if acknowledged else None,
        response_plan="召开议事会" if acknowledged else "",
    )


def grow_alarms(demo: Any, n: int) -> None:
    """Open alarms in 团结公寓 (one per month, far back), for its community's task lists."""
    start = TrendAlarm.objects.count()
    compound = demo.tuanjie
    TrendAlarm.objects.bulk_create(
        TrendAlarm(
            compound=compound,
            month=date(1000 + (start + i) // 12, (start + i) % 12 + 1, 1),
            counts="1 → 2 → 3",
            due=timezone.now() + timedelta(days=7),
        )
        for i in range(n)
    )


def grow_alarm_history(demo: Any, n: int) -> None:
    """Nothing an alarm's controls read grows with rows but the alarms themselves."""
    grow_alarms(demo, n)


def grow_units(demo: Any, n: int) -> None:
    """Management units of every category and mode in 团结公寓's community."""
    t = demo.tuanjie
    firm = Organization.objects.filter(kind=Organization.Kind.PROPERTY_FIRM).first()
    start = Compound.objects.count()
    categories = list(Compound.Category)
    Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"预算单元{start + i}",
            category=categories[i % len(categories)],
            management_mode=Compound.ManagementMode.MARKET_FIRM,
            property_provider=firm,
            households=100 + i,
        )
        for i in range(n)
    )


def grow_issues_and_units(demo: Any, n: int) -> None:
    growth_intake.grow_issues(demo, n)
    grow_units(demo, n)


def url(name: str, *args: Any, query: str = "") -> Any:
    return lambda demo: reverse(name, args=args) + (f"?{query}" if query else "")


def public_url(demo: Any) -> str:
    return reverse("public-figures", args=[demo.tuanjie.pk])
