"""Compounds, their notice boards, organizations' inboxes and personal topics."""

from __future__ import annotations

from typing import Any

from .principal import Kind, Principal
from .registry import action, topic


def _compound_id(obj: Any) -> int:
    return obj if isinstance(obj, int) else obj.pk


@action("compound.view")
def view_compound(p: Principal, compound: Any) -> bool:
    cid = _compound_id(compound)
    return p.is_subdistrict or p.serves(cid) or p.lives_in(cid)


def posting_organizations(p: Principal, compound: Any) -> set[int]:
    """The user's organizations that may post to the compound: those serving it, and the
    subdistrict office and its Party working committee anywhere."""
    orgs = set(p.served_compounds.get(_compound_id(compound), ()))
    # The supervision group watches the parties; it does not speak to residents for them.
    orgs |= p.orgs_of_kind(Kind.SUBDISTRICT_OFFICE, Kind.SUBDISTRICT_PARTY_COMMITTEE)
    return orgs


@action("compound.announce")
def announce_to_compound(p: Principal, target: Any) -> bool:
    """Any party organization serving the compound may post to its residents.

    ``target`` is a compound, or ``(compound, organization)`` to check posting as that org.
    """
    if isinstance(target, tuple):
        compound, organization = target
        return organization.pk in posting_organizations(p, compound)
    return p.is_superuser or bool(posting_organizations(p, target))


@action("subdistrict.overview")
def subdistrict_overview(p: Principal, _obj: Any) -> bool:
    return p.is_subdistrict


@topic("compound")
def compound_topic(p: Principal, compound_id: int, audience: str) -> bool:
    if audience == "public":
        return view_compound(p, compound_id)
    return False


@topic("org")
def org_topic(p: Principal, org_id: int, audience: str) -> bool:
    if audience == "inbox":
        return org_id in p.org_kinds or p.is_subdistrict
    return False


@topic("user")
def user_topic(p: Principal, user_id: int, audience: str) -> bool:
    return audience == "home" and p.user_id == user_id
