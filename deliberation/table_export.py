"""Every table on the indicator pages, downloadable as CSV and as an Excel workbook.

CSV starts with a UTF-8 byte-order mark so that Excel opens Chinese text correctly. A cell
that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@`` first) is written
with a leading apostrophe: names come from people, and a download must not run anything.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook

Cell = str | int | float | None
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    slug: str  # the file name, ASCII
    title: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)


def safe(value: Cell) -> Cell:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _attachment(response: HttpResponse, name: str) -> HttpResponse:
    disposition = f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csv_response(table: Table) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe(h) for h in table.header])
    writer.writerows([safe(c) for c in row] for row in table.rows)
    body = "\ufeff" + out.getvalue()
    response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"{table.slug}.csv")


def xlsx_response(table: Table) -> HttpResponse:
    book = Workbook(write_only=True)
    title = "".join(" " if ch in "[]:*?/\\" else ch for ch in table.title)[:31].strip()
    sheet = book.create_sheet(title=title or table.slug)
    sheet.append([safe(h) for h in table.header])
    for row in table.rows:
        sheet.append([safe(c) for c in row])
    out = io.BytesIO()
    book.save(out)
    return _attachment(HttpResponse(out.getvalue(), content_type=XLSX), f"{table.slug}.xlsx")


def export_response(table: Table, fmt: str) -> HttpResponse:
    return xlsx_response(table) if fmt == "xlsx" else csv_response(table)
