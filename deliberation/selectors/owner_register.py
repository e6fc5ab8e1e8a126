"""The owner register: who counts as one head and with how much area (docs/law.md §2).

SPC interp. art. 8: area is the exclusive area (register → survey → contract, recorded on
``Unit.area_source``). SPC interp. art. 9: one exclusive unit is one head, but one owner of
several units is one head, and the developer's unsold units together are one head. Unsold
public housing belongs to its property-rights unit: one organization, so one head with a
large area. Co-owners of one unit vote through their designated voter [P].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from deliberation.law.owners_votes import Weight
from deliberation.models import Compound, Ownership, Unit


@dataclass
class Head:
    """One head of the register: an owner (person or organization) and their units."""

    key: str  # "p<user id>" or "o<organization id>"
    label: str
    person_id: int | None
    organization_id: int | None
    kind: str  # "person", "developer", "property_rights_unit", "organization"
    units: list[str] = field(default_factory=list)
    area: Decimal = Decimal(0)
    co_owned: int = 0  # units where this head is the designated voter of several co-owners

    @property
    def weight(self) -> Weight:
        return Weight(1, self.area)


@dataclass
class Register:
    compound_id: int
    heads: list[Head]
    problems: list[tuple[str, str]]  # (unit label, problem code)
    units: int
    area_sources: dict[str, int]

    @property
    def total(self) -> Weight:
        return Weight(len(self.heads), sum((h.area for h in self.heads), Decimal(0)))

    def head(self, key: str) -> Head | None:
        return next((h for h in self.heads if h.key == key), None)

    def by_kind(self) -> dict[str, Weight]:
        out: dict[str, Weight] = {}
        for h in self.heads:
            out[h.kind] = out.get(h.kind, Weight()) + h.weight
        return out


def head_key(*, person_id: int | None = None, organization_id: int | None = None) -> str:
    return f"p{person_id}" if person_id else f"o{organization_id}"


def owner_register(compound: Compound | int) -> Register:
    """Count the compound's heads and area in two queries."""
    compound_id = compound if isinstance(compound, int) else compound.pk
    units = list(
        Unit.objects.filter(building__compound_id=compound_id)
        .select_related("building")
        .order_by("building__name", "number")
    )
    ownerships: dict[int, list[Ownership]] = {}
    for o in Ownership.objects.filter(unit__building__compound_id=compound_id).select_related(
        "person", "organization"
    ):
        ownerships.setdefault(o.unit_id, []).append(o)

    heads: dict[str, Head] = {}
    problems: list[tuple[str, str]] = []
    sources: dict[str, int] = {}
    for unit in units:
        label = f"{unit.building.name}-{unit.number}"
        sources[unit.area_source] = sources.get(unit.area_source, 0) + 1
        owners = ownerships.get(unit.pk, [])
        if not owners:
            problems.append((label, "no_owner"))
            continue
        designated = [o for o in owners if o.is_designated_voter] if len(owners) > 1 else owners
        if len(designated) != 1:
            problems.append((label, "no_designated_voter" if not designated else "two_designated"))
            continue
        o = designated[0]
        key = head_key(person_id=o.person_id, organization_id=o.organization_id)
        head = heads.get(key)
        if head is None:
            if o.person is not None:
                name, kind = str(o.person), "person"
            else:
                assert o.organization is not None
                name = o.organization.name
                kind = (
                    o.organization.kind
                    if o.organization.kind in ("developer", "property_rights_unit")
                    else "organization"
                )
            head = heads[key] = Head(key, name, o.person_id, o.organization_id, kind)
        head.units.append(label)
        head.area += unit.exclusive_area
        if len(owners) > 1:
            head.co_owned += 1
    return Register(compound_id, list(heads.values()), problems, len(units), sources)


def heads_of_user(register: Register, user_id: int) -> Head | None:
    """The head a person votes for: their own (organizations vote through staff, not here)."""
    return register.head(head_key(person_id=user_id))
