"""Owners' committees and 物管会: who plans elections, elects chairs, registers, forms groups."""

from __future__ import annotations

from typing import Any

from deliberation.models import CommitteeBody, CommitteeElection, Compound, Organization

from .compounds import view_compound
from .principal import Principal
from .registry import action

K = Organization.Kind
COMMUNITY = (K.RESIDENTS_COMMITTEE, K.PARTY_COMMITTEE)
OWNER_BODIES = (K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT_COMMITTEE)


def _cid(obj: Any) -> int:
    if isinstance(obj, (CommitteeElection, CommitteeBody)):
        return obj.compound_id
    if isinstance(obj, Compound):
        return obj.pk
    return int(obj)


@action("committee.view")
def view(p: Principal, obj: Any) -> bool:
    return view_compound(p, _cid(obj))


@action("committee.manage")
def manage(p: Principal, obj: Any) -> bool:
    """Plan an election and nominate: the community (Party organization, residents'
    committee), the sitting committee or 物管会, and the subdistrict (BJ reg. arts. 30, 39)."""
    return p.is_subdistrict or p.serves(_cid(obj), *COMMUNITY, *OWNER_BODIES)


@action("committee.chair")
def chair(p: Principal, obj: Any) -> bool:
    """The chair election is recorded by the community or the subdistrict."""
    return p.is_subdistrict or p.serves(_cid(obj), *COMMUNITY, *OWNER_BODIES)


@action("committee.register")
def register(p: Principal, obj: Any) -> bool:
    """Registration, re-election groups and 物管会 are the subdistrict's (arts. 41, 49, 52)."""
    return p.is_subdistrict


@action("committee.report")
def report(p: Principal, obj: Any) -> bool:
    return p.is_subdistrict or p.serves(_cid(obj), K.OWNERS_COMMITTEE)


@action("committee.guide")
def guide(p: Principal, obj: Any) -> bool:
    """The community Party organization and the residents' committee guide a group or a
    物管会 (BJ reg. arts. 30, 52)."""
    return p.serves(_cid(obj), *COMMUNITY)
