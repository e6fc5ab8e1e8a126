"""The evaluation's evidence ledger and published results (docs/law.md §9).

The ledger of an evaluated organization (a firm or property-rights unit) is seen by the
subdistrict, by the organization itself and by the committees of the communities it serves;
the subdistrict and those committees record in it (penalties only the subdistrict: the
service says so by kind). Published results — an organization's history across cycles, the
property-service alliance — are public: they show nothing that was not published.
"""

from __future__ import annotations

from typing import Any

from deliberation.models import Compound, EvidenceEntry, Organization

from .principal import COMMUNITY_KINDS, PROVIDER_KINDS, Principal
from .registry import action, topic


def _org_id(obj: Any) -> int:
    if isinstance(obj, Organization):
        return obj.pk
    if isinstance(obj, EvidenceEntry):
        return obj.organization_id
    return int(obj)


def _served_by(obj: Any) -> set[int]:
    """The compounds the organization serves (one query, kept on an Organization asked)."""
    cached = getattr(obj, "_evaluated_compounds", None)
    if cached is not None:
        return set(cached)
    served = set(
        Compound.objects.filter(property_provider_id=_org_id(obj)).values_list("pk", flat=True)
    )
    if isinstance(obj, Organization):
        obj._evaluated_compounds = served  # type: ignore[attr-defined]
    return served


def _community_of(p: Principal, obj: Any) -> bool:
    """Does one of the person's community committees serve a compound of the organization?"""
    if not p.orgs_of_kind(*COMMUNITY_KINDS):
        return False
    return any(p.serves(cid, *COMMUNITY_KINDS) for cid in _served_by(obj))


def _is_provider(obj: Any) -> bool:
    return not isinstance(obj, Organization) or obj.kind in PROVIDER_KINDS


@action("evidence.view")
def view_ledger(p: Principal, obj: Any) -> bool:
    if not p.is_authenticated or not _is_provider(obj):
        return False
    return p.is_subdistrict or _org_id(obj) in p.org_kinds or _community_of(p, obj)


@action("evidence.record")
def record(p: Principal, obj: Any) -> bool:
    if not p.is_authenticated or not _is_provider(obj):
        return False
    return p.is_subdistrict or _community_of(p, obj)


@action("evidence.withdraw")
def withdraw(p: Principal, entry: Any) -> bool:
    """The subdistrict any entry; a community's committees the entries about a compound of
    their community, except penalties."""
    if p.is_subdistrict:
        return True
    if entry.kind == EvidenceEntry.Kind.PENALTY or entry.compound_id is None:
        return False
    return p.serves(entry.compound_id, *COMMUNITY_KINDS)


@action("evaluation_history.view")
def view_published(p: Principal, _obj: Any) -> bool:
    """Published evaluation results are public."""
    return True


@topic("evidence_ledger")
def ledger_topic(p: Principal, org_id: int, audience: str) -> bool:
    return audience == "staff" and view_ledger(p, org_id)
