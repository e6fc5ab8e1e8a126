"""Who sees and keeps a compound's public-revenue ledger (docs/law.md §11).

The money is the owners' (Civil Code art. 282): the firm serving the compound or the
owners' body enters it, the owners' body approves and publishes it (the residents'
committee where the compound has none), and the compound's residents read it.
"""

from __future__ import annotations

from typing import Any

from .principal import OWNER_BODY_KINDS, PROVIDER_KINDS, Kind, Principal
from .registry import action


def _compound(obj: Any) -> Any:
    """The compound of a compound or of a ledger entry."""
    return getattr(obj, "compound", obj)


@action("ledger.view")
def view_ledger(p: Principal, obj: Any) -> bool:
    cid = _compound(obj).pk
    return p.is_subdistrict or p.serves(cid) or p.lives_in(cid)


def recording_for(p: Principal, compound: Any) -> set[int]:
    """The user's organizations that keep this compound's ledger."""
    kinds = PROVIDER_KINDS | OWNER_BODY_KINDS
    return {o for o in p.served_compounds.get(compound.pk, ()) if p.org_kinds[o] in kinds}


@action("ledger.record")
def record_in_ledger(p: Principal, obj: Any) -> bool:
    """The firm (or the property-rights unit managing it) and the owners' body."""
    return p.serves(_compound(obj).pk, *PROVIDER_KINDS, *OWNER_BODY_KINDS)


def approves_for(p: Principal, compound: Any) -> bool:
    """The owners' body of the compound; the residents' committee where there is none."""
    if compound.owners_committee_id is None:
        return p.serves(compound.pk, Kind.RESIDENTS_COMMITTEE)
    return compound.owners_committee_id in p.org_kinds


@action("ledger.decide")
def decide_entry(p: Principal, entry: Any) -> bool:
    """Approving or rejecting an entry: never by the person who entered it."""
    return approves_for(p, entry.compound) and p.user_id != entry.recorded_by_id


@action("ledger.publish")
def publish_quarter(p: Principal, compound: Any) -> bool:
    return approves_for(p, compound)
