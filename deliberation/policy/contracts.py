"""Who keeps the contract register and who takes each step of a change of firm.

The owners' committee (or property management committee) is the owners' party to the
contract; the residents' committee stands in where a compound has no owners' body. The firm
gives its own notice of non-renewal; both firms tick what was handed over; the new firm (or
the owners' body) records the takeover (docs/law.md §12).
"""

from __future__ import annotations

from typing import Any

from .principal import OWNER_BODY_KINDS, Kind, Principal
from .registry import action


def _owners_side(p: Principal, compound_id: int) -> bool:
    return p.serves(compound_id, *OWNER_BODY_KINDS, Kind.RESIDENTS_COMMITTEE)


@action("contracts.view")
def view_contracts(p: Principal, compound: Any) -> bool:
    """Owners, residents and the parties serving the compound may read its contracts."""
    return p.is_subdistrict or p.serves(compound.pk) or p.lives_in(compound.pk)


@action("contracts.register")
def register_contract(p: Principal, compound: Any) -> bool:
    return _owners_side(p, compound.pk)


@action("contract.give_notice")
def give_non_renewal_notice(p: Principal, contract: Any) -> bool:
    return contract.firm_id in p.org_kinds


@action("contract.dismiss")
def dismiss_firm(p: Principal, contract: Any) -> bool:
    return _owners_side(p, contract.compound_id)


@action("handover.send_notice")
def send_notice(p: Principal, handover: Any) -> bool:
    return _owners_side(p, handover.compound_id)


@action("handover.tick")
def tick_checklist(p: Principal, handover: Any) -> bool:
    firms = {handover.old_firm_id, handover.new_firm_id}
    return bool(firms & set(p.org_kinds)) or _owners_side(p, handover.compound_id)


@action("handover.take_over")
def record_takeover(p: Principal, handover: Any) -> bool:
    return handover.new_firm_id in p.org_kinds or _owners_side(p, handover.compound_id)
