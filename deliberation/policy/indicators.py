"""The property 三率, the classified-management view, the public figures of a compound and
the rising-trend alarm (docs/law.md §7, §7a, §7b)."""

from __future__ import annotations

from typing import Any

from .channels import view_indicators
from .principal import COMMUNITY_KINDS, Principal
from .registry import action


@action("rates.view")
def view_rates(p: Principal, _obj: Any) -> bool:
    """The 三率 and the classified view: the staff who see the indicators. They name
    compounds and why a rate is short, nothing about people."""
    return view_indicators(p, _obj)


@action("indicators.public")
def view_public_figures(p: Principal, compound: Any) -> bool:
    """Anyone, logged in or not: a compound's aggregate figures (counts and rates; no names,
    phones, units or notes). Compounds are public places."""
    return compound is not None


@action("trend_alarm.acknowledge")
def acknowledge_trend_alarm(p: Principal, alarm: Any) -> bool:
    """The compound's community (its Party committee and residents' committee) answers for
    the rise; the subdistrict (office, working committee, supervision group) may too."""
    if not p.is_authenticated:
        return False
    return p.is_subdistrict or p.serves(alarm.compound_id, *COMMUNITY_KINDS)
