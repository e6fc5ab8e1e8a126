"""Matrix rows and budget of the rising-trend alarm (``deliberation/actions/indicators.py``):
the compound's community acknowledges the rise and plans a response (the subdistrict may
too); in 团结公寓, so 中路's Party committee and residents' committee."""

from __future__ import annotations

from typing import Any

from deliberation.models import TrendAlarm

from .. import growth_indicators as gi
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

COMMUNITY = allowed_roles("party_committee", "residents_committee")

ROWS: list[Row] = [
    Row(
        "trend_alarm.acknowledge",
        COMMUNITY | SUBDISTRICT,
        available=gi.alarm,
        unavailable=lambda demo: gi.alarm(demo, acknowledged=True),
        data=lambda demo, obj, user: {
            "acknowledge-plan": "约物业与业委会召开议事会，排查电梯问题。"
        },
        done=lambda a: TrendAlarm.objects.get(pk=a.pk).acknowledged_at is not None,
    ),
]


def _alarm(demo: Any) -> TrendAlarm:
    return gi.alarm(demo)


BUDGETS: dict[str, KindBudget] = {
    "trend_alarm": KindBudget(_alarm, gi.grow_alarm_history, gi.grow_alarms),
}
