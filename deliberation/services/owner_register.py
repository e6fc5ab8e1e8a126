"""Importing the owner register from Excel or CSV, with a validation preview first.

Columns: building, unit, exclusive area (m²), area source (register / survey / contract,
SPC interp. art. 8), owner (a username or an organization's exact name). Nothing is stored
until the previewed rows are confirmed, and only if every row is valid.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.models import Building, Compound, Organization, Ownership, Unit, User

SOURCES = {s.value: s.value for s in Unit.AreaSource} | {
    "登记": "register",
    "不动产登记": "register",
    "测绘": "survey",
    "合同": "contract",
}
MAX_ROWS = 5000


@dataclass
class Row:
    line: int
    building: str
    number: str
    area: str
    source: str
    owner: str
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            k: getattr(self, k) for k in ("line", "building", "number", "area", "source", "owner")
        }


def _cells(name: str, data: bytes) -> list[list[str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        except Exception as e:  # a corrupt or foreign file
            raise ValidationError(_("This is not a readable Excel file.")) from e
        if sheet is None:
            return []
        return [
            ["" if c is None else str(c).strip() for c in r]
            for r in sheet.iter_rows(values_only=True)
        ]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    return [[c.strip() for c in r] for r in csv.reader(io.StringIO(text))]


def parse_register(compound: Compound, name: str, data: bytes) -> list[Row]:
    """Read and validate every row; errors are per row, in the user's language."""
    cells = _cells(name, data)
    if cells and cells[0] and not _is_number(cells[0][2] if len(cells[0]) > 2 else ""):
        cells = cells[1:]  # a header row
    if len(cells) > MAX_ROWS:
        raise ValidationError(_("At most %(n)s rows per import.") % {"n": MAX_ROWS})
    buildings = set(Building.objects.filter(compound=compound).values_list("name", flat=True))
    rows, seen = [], set()
    for i, raw in enumerate(cells, start=2):
        raw = (raw + [""] * 5)[:5]
        if not any(raw):
            continue
        row = Row(i, raw[0], raw[1], raw[2], raw[3], raw[4])
        if row.building not in buildings:
            row.errors.append(_("unknown building"))
        if not row.number:
            row.errors.append(_("unit number missing"))
        if (row.building, row.number) in seen:
            row.errors.append(_("unit listed twice"))
        seen.add((row.building, row.number))
        try:
            if Decimal(row.area) <= 0:
                raise InvalidOperation
        except InvalidOperation:
            row.errors.append(_("area must be a positive number"))
        if row.source and row.source not in SOURCES:
            row.errors.append(_("area source must be register, survey or contract"))
        if row.owner and not (
            User.objects.filter(username=row.owner).exists()
            or Organization.objects.filter(name=row.owner).exists()
        ):
            row.errors.append(_("owner not found"))
        rows.append(row)
    return rows


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


@transaction.atomic
def apply_register(*, actor: User, compound: Compound, rows: list[dict[str, Any]]) -> int:
    """Store previewed rows (re-validated: the register may have changed since the
    preview): area and source per unit, the owner if given. Raises ``InvalidInput``."""
    policy.require(actor, "register.import", compound)
    stale = _("The rows are not valid any more; upload the file again.")
    try:
        checked = parse_register(
            compound,
            "rows.csv",
            "\n".join(
                ",".join(_csv_cell(r[k]) for k in ("building", "number", "area", "source", "owner"))
                for r in rows
            ).encode(),
        )
    except ValidationError as exc:
        message = " ".join(exc.messages)
        raise InvalidInput(message, fields={"__all__": [message]}) from exc
    if not checked or any(r.errors for r in checked):
        raise InvalidInput(stale, fields={"__all__": [stale]})
    buildings = {b.name: b for b in Building.objects.filter(compound=compound)}
    for r in checked:
        unit, _created = Unit.objects.update_or_create(
            building=buildings[r.building],
            number=r.number,
            defaults={
                "exclusive_area": Decimal(r.area),
                "area_source": SOURCES.get(r.source, Unit.AreaSource.LAND_REGISTER),
            },
        )
        if r.owner:
            person = User.objects.filter(username=r.owner).first()
            org = None if person else Organization.objects.get(name=r.owner)
            current = list(unit.ownerships.all())
            if not (
                len(current) == 1
                and current[0].person_id == (person.pk if person else None)
                and current[0].organization_id == (org.pk if org else None)
            ):
                unit.ownerships.all().delete()
                Ownership.objects.create(unit=unit, person=person, organization=org)
    return len(checked)


def _csv_cell(value: Any) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow([str(value)])
    return buf.getvalue().strip("\r\n")
