"""Residents' accounts: who creates them, links them to homes and acts for a resident.

The residents' committee knows its community's residents (居委会: docs/law.md §13),
so it alone creates their accounts and decides their link requests; the subdistrict
watches but does not decide for it."""

from __future__ import annotations

from typing import Any

from .principal import Kind, Principal
from .registry import action


def _compound_id(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.pk


def _request_compound(link_request: Any) -> int:
    return int(link_request.unit.building.compound_id)


@action("residents.manage")
def manage_residents(p: Principal, compound: Any) -> bool:
    """Create accounts, link people to units, print invitation letters for the compound."""
    return p.is_superuser or p.serves(_compound_id(compound), Kind.RESIDENTS_COMMITTEE)


@action("residents.assist")
def assist_residents(p: Principal, compound: Any) -> bool:
    """Enter a step for a resident of the compound who asks in person or by phone (recorded
    as "entered by X for Y"): the community's residents' and Party committees."""
    cid = _compound_id(compound)
    return p.is_superuser or p.serves(cid, Kind.RESIDENTS_COMMITTEE, Kind.PARTY_COMMITTEE)


@action("link_request.view")
def view_link_request(p: Principal, link_request: Any) -> bool:
    return p.user_id == link_request.user_id or manage_residents(p, _request_compound(link_request))


@action("link_request.decide")
def decide_link_request(p: Principal, link_request: Any) -> bool:
    return manage_residents(p, _request_compound(link_request))


@action("link_request.withdraw")
def withdraw_link_request(p: Principal, link_request: Any) -> bool:
    return p.user_id is not None and p.user_id == link_request.user_id


@action("account.wechat")
def bind_wechat(p: Principal, account: Any) -> bool:
    """Bind or unbind a WeChat: only to one's own account — not staff, not a superuser
    (a WeChat bound to an account reads that person's notifications)."""
    return p.user_id is not None and p.user_id == getattr(account, "pk", None)
