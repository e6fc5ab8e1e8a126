"""Creating residents' accounts from a spreadsheet, with a preview first (as the owner
register import: ``owner_register``). Columns: name, mobile number, building, unit,
relation (owner / occupant / tenant, or 业主 / 住户 / 租户). Nothing is stored until the
previewed rows are confirmed, and only if every row is valid."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.models import Compound, Residency, Unit, User
from deliberation.services.owner_register import _cells, _csv_cell
from deliberation.services.phone_codes import normalize_phone

from .accounts import create_resident

RELATIONS = {r.value: r.value for r in Residency.Relation} | {
    "业主": "owner",
    "住户": "occupant",
    "家属": "occupant",
    "租户": "tenant",
}
MAX_ROWS = 5000
COLUMNS = ("name", "phone", "building", "number", "relation")


@dataclass
class ResidentRow:
    line: int
    name: str
    phone: str
    building: str
    number: str
    relation: str
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("line", *COLUMNS)}


def parse_residents(compound: Compound, name: str, data: bytes) -> list[ResidentRow]:
    """Read and check every row; errors are per row, in the reader's language."""
    cells = _cells(name, data)
    if cells and cells[0] and not any(ch.isdigit() for ch in (cells[0] + ["", ""])[1]):
        cells = cells[1:]  # a header row: its phone column has no digits
    if len(cells) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows per import.") % {"n": MAX_ROWS})
    units = {
        (b, n): pk
        for pk, b, n in Unit.objects.filter(building__compound=compound).values_list(
            "pk", "building__name", "number"
        )
    }
    rows: list[ResidentRow] = []
    seen: set[tuple[str, str, str]] = set()
    for i, raw in enumerate(cells, start=2):
        raw = (raw + [""] * 5)[:5]
        if not any(raw):
            continue
        row = ResidentRow(i, raw[0], raw[1], raw[2], raw[3], raw[4])
        if not row.name:
            row.errors.append(_("name missing"))
        elif len(row.name) > 100 or any(unicodedata.category(ch) == "Cc" for ch in row.name):
            row.errors.append(_("a name of at most 100 characters, without control characters"))
        try:
            row.phone = normalize_phone(row.phone)
        except InvalidInput:
            row.errors.append(_("not a mobile number"))
        if (row.building, row.number) not in units:
            row.errors.append(_("no such unit in this compound"))
        relation = RELATIONS.get(row.relation.lower() if row.relation else "owner")
        if relation is None:
            row.errors.append(_("relation must be owner, occupant or tenant"))
        else:
            row.relation = relation
        if (row.phone, row.building, row.number) in seen:
            row.errors.append(_("listed twice"))
        seen.add((row.phone, row.building, row.number))
        rows.append(row)
    return rows


@transaction.atomic
def apply_residents(*, actor: User, compound: Compound, rows: list[dict[str, Any]]) -> int:
    """Store previewed rows, checked again (units may have changed since the preview)."""
    policy.require(actor, "residents.manage", compound)
    text = "\n".join(",".join(_csv_cell(r.get(k, "")) for k in COLUMNS) for r in rows)
    checked = parse_residents(compound, "rows.csv", text.encode())
    if not checked or any(r.errors for r in checked):
        stale = _("The rows are not valid any more; upload the file again.")
        raise InvalidInput(stale, fields={"__all__": [stale]})
    units = {
        (u.building.name, u.number): u
        for u in Unit.objects.filter(building__compound=compound).select_related("building")
    }
    for r in checked:
        create_resident(
            actor=actor,
            compound=compound,
            name=r.name,
            phone=r.phone,
            unit=units[(r.building, r.number)],
            relation=r.relation,
        )
    return len(checked)
