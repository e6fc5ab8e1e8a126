"""Channels and indicators: hotline imports, the Open311 API, the indicator page.

Open311 readers may be anyone (the GeoReport v2 GET endpoints are public), so what they
get is the public projection only: no names, no phones, no staff notes, no unit number.
"""

from __future__ import annotations

from typing import Any

from .issues import view_issue
from .principal import COMMUNITY_KINDS, OWNER_BODY_KINDS, PROVIDER_KINDS, Principal
from .registry import action


def _cid(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk


# --- 12345 hotline import --------------------------------------------------------------------


@action("hotline.import")
def import_hotline(p: Principal, _obj: Any) -> bool:
    """Hotline tickets come to the subdistrict and the residents' committees (docs/law.md §6)."""
    return p.is_subdistrict or bool(p.orgs_of_kind(*COMMUNITY_KINDS))


@action("hotline.view_import")
def view_hotline_import(p: Principal, batch: Any) -> bool:
    """An import (its preview holds callers' names and phones): its uploader, the subdistrict."""
    if not p.is_authenticated:
        return False
    return p.is_subdistrict or batch.uploaded_by_id == p.user_id


# --- Open311 ---------------------------------------------------------------------------------


@action("open311.read")
def open311_read(p: Principal, issue: Any) -> bool:
    """The public status (no names, phones or staff notes) of an issue about a compound;
    issues without a place stay with the subdistrict."""
    return issue.compound_id is not None


@action("open311.write")
def open311_write(p: Principal, compound: Any) -> bool:
    """A key's service account files requests where its organization serves (or anywhere,
    for the subdistrict)."""
    if not p.is_authenticated:
        return False
    cid = _cid(compound)
    if cid is None:
        return p.is_subdistrict
    return p.is_subdistrict or p.serves(cid)


# --- indicators ------------------------------------------------------------------------------


@action("indicators.view")
def view_indicators(p: Principal, _obj: Any) -> bool:
    """Subdistrict (all), community committees (their compounds), providers (their own),
    owners' committees and property management committees (their compound's)."""
    return p.is_subdistrict or bool(
        p.orgs_of_kind(*COMMUNITY_KINDS, *PROVIDER_KINDS, *OWNER_BODY_KINDS)
    )


@action("open311.description")
def open311_description(p: Principal, issue: Any) -> bool:
    """The citizen's words through the public API: only for a key whose account may see
    the issue itself (it serves the compound, or is the subdistrict)."""
    return p.is_authenticated and view_issue(p, issue)
