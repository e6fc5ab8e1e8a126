"""Reading a 12345 hotline export (.xlsx or .csv) into cleaned, validated rows.

The accepted template (also offered as a download on the import page):

========== ======== ==========================================================
column     required  content
========== ======== ==========================================================
工单编号    yes       ticket number, letters/digits/-/_, at most 64 characters
来电时间    yes       ``YYYY-MM-DD HH:MM[:SS]`` (or ``/``), or an Excel date cell
诉求内容    yes       the citizen's words, 1–4000 characters
小区/地址   yes       must contain one of our compound names, e.g. ``团结公寓2号楼``
诉求类别    no        one of our category names or codes (``电梯`` or ``elevator``)
紧急程度    no        特急/紧急, 水电气热, 一般/普通, 复杂 (default: the category's)
来电人      no        caller's name (kept for staff only), at most 100 characters
联系电话    no        caller's phone (masked to the public), at most 32 characters
========== ======== ==========================================================

A bad *file* raises ``HotlineFileError`` (HTTP 400, nothing stored); a bad *row* is kept in
the preview with its messages and is never imported. The file's type is checked by its
content, not only its name: an .xlsx must be a real Office Open XML zip, a .csv must be
text (UTF-8 or GB18030) without NUL bytes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

import openpyxl
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.errors import InvalidInput
from deliberation.models import Compound, IssueCategory, Urgency

MAX_BYTES: int = getattr(settings, "YISHI_HOTLINE_MAX_BYTES", 5 * 1024 * 1024)
MAX_ROWS: int = getattr(settings, "YISHI_HOTLINE_MAX_ROWS", 5000)

#: canonical header → accepted spellings
COLUMNS: dict[str, tuple[str, ...]] = {
    "ticket": ("工单编号", "工单号"),
    "called_at": ("来电时间", "受理时间"),
    "description": ("诉求内容", "反映内容"),
    "address": ("小区/地址", "小区", "地址"),
    "category": ("诉求类别", "类别"),
    "urgency": ("紧急程度",),
    "reporter_name": ("来电人", "联系人"),
    "reporter_phone": ("联系电话", "电话"),
}
REQUIRED = ("ticket", "called_at", "description", "address")
TEMPLATE_HEADERS = ["工单编号", "来电时间", "诉求内容", "小区/地址", "诉求类别", "紧急程度"]
TEMPLATE_HEADERS_OPTIONAL = ["来电人", "联系电话"]
TEMPLATE_EXAMPLE = [
    "12345-2026-000001",
    "2026-11-03 09:15",
    "2号楼电梯门关不严，晚上有异响。（示例）",
    "团结公寓2号楼",
    "电梯",
    "一般",
    "张女士",
    "13800000000",
]

URGENCY_WORDS: dict[str, str] = {
    "特急": Urgency.EMERGENCY,
    "紧急": Urgency.EMERGENCY,
    "emergency": Urgency.EMERGENCY,
    "水电气热": Urgency.UTILITIES,
    "utilities": Urgency.UTILITIES,
    "一般": Urgency.ORDINARY,
    "普通": Urgency.ORDINARY,
    "ordinary": Urgency.ORDINARY,
    "复杂": Urgency.COMPLEX,
    "complex": Urgency.COMPLEX,
}

TICKET_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
PHONE_RE = re.compile(r"^[0-9+\- ]{3,32}$")
DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)


class HotlineFileError(InvalidInput):
    """The file as a whole cannot be used (HTTP 400, in the one error model): the message
    is for the user, at the file field. ``problems`` lists (line, messages) when no row at
    all could be imported."""

    def __init__(self, message: str, problems: list[tuple[int, list[str]]] | None = None):
        super().__init__(message, fields={"file": [message]})
        self.problems = problems or []


@dataclass
class ParsedRow:
    line: int
    ticket: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.messages


# --- reading ---------------------------------------------------------------------------------


def read_table(name: str, content: bytes) -> list[list[Any]]:
    """The file's cells, first row the header. Raises ``HotlineFileError``."""
    if not content:
        raise HotlineFileError(_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise HotlineFileError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext == "xlsx":
        rows = _read_xlsx(content)
    elif ext == "csv":
        rows = _read_csv(content)
    elif ext == "xls":
        raise HotlineFileError(_("Old .xls files are not accepted: save it as .xlsx or .csv."))
    else:
        raise HotlineFileError(_("Only .xlsx and .csv files are accepted."))
    rows = [r for r in rows if any(_text(c) for c in r)]
    if not rows:
        raise HotlineFileError(_("The file is empty."))
    if len(rows) == 1:
        raise HotlineFileError(_("The file has a header but no tickets."))
    if len(rows) - 1 > MAX_ROWS:
        raise HotlineFileError(_("Too many rows (at most %(n)s per file).") % {"n": MAX_ROWS})
    return rows


def _read_xlsx(content: bytes) -> list[list[Any]]:
    if not content.startswith(b"PK\x03\x04"):
        raise HotlineFileError(_("This is not a real .xlsx file (its content is another type)."))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise HotlineFileError(
                    _("This is not a real .xlsx file (its content is another type).")
                )
            # A zip bomb would expand far beyond any hotline export.
            if sum(i.file_size for i in archive.infolist()) > 40 * MAX_BYTES:
                raise HotlineFileError(
                    _("The file is too large (at most %(mb)s MB).")
                    % {"mb": MAX_BYTES // (1024 * 1024)}
                )
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True, max_col=20):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                raise HotlineFileError(
                    _("Too many rows (at most %(n)s per file).") % {"n": MAX_ROWS}
                )
        workbook.close()
        return rows
    except HotlineFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise HotlineFileError(_("The Excel file could not be read; is it damaged?")) from exc


def _read_csv(content: bytes) -> list[list[Any]]:
    if content.startswith(b"PK\x03\x04") or b"\x00" in content:
        raise HotlineFileError(_("This is not a real .csv file (its content is another type)."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise HotlineFileError(_("The CSV file must be UTF-8 or GB18030 text."))
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise HotlineFileError(
            _("The CSV file is malformed (%(error)s).") % {"error": str(exc)}
        ) from exc
    return [list(r) for r in rows]


# --- validating ------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def map_header(header: Iterable[Any]) -> dict[str, int]:
    """Canonical column → index; raises if a required column is missing."""
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = _text(cell).replace(" ", "")
        for key, spellings in COLUMNS.items():
            if label in spellings and key not in positions:
                positions[key] = index
    missing = [COLUMNS[k][0] for k in REQUIRED if k not in positions]
    if missing:
        raise HotlineFileError(
            _("Required columns are missing: %(columns)s. Download the template to compare.")
            % {"columns": "、".join(missing)}
        )
    return positions


def parse_called_at(value: Any) -> datetime | None:
    moment: datetime | None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = _text(value)
        moment = None
        for fmt in DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Catalog:
    """Compounds and categories loaded once per file (two queries, whatever the row count)."""

    def __init__(self) -> None:
        self.compounds = sorted(Compound.objects.only("id", "name"), key=lambda c: -len(c.name))
        self.categories: dict[str, IssueCategory] = {}
        for category in IssueCategory.objects.filter(active=True):
            self.categories[category.name] = category
            self.categories[category.code.lower()] = category

    def compound_in(self, address: str) -> Compound | None:
        for compound in self.compounds:  # longest name first: "团结湖北里直管公房" before "团结湖"
            if compound.name in address:
                return compound
        return None


def validate_rows(
    rows: list[list[Any]], *, catalog: Catalog, allowed_compounds: Any
) -> Iterator[ParsedRow]:
    """Check every data row. ``allowed_compounds(compound) -> bool`` is the uploader's right
    to report there (policy). Line numbers are the spreadsheet's (header = line 1)."""
    positions = map_header(rows[0])
    width = len(rows[0])
    now = timezone.now()
    for offset, raw in enumerate(rows[1:], start=2):
        row = ParsedRow(line=offset)
        if len(raw) > width and any(_text(c) for c in raw[width:]):
            row.messages.append(_("More cells than columns: is a comma missing quotes?"))

        def cell(key: str, raw: list[Any] = raw) -> Any:
            index = positions.get(key)
            return raw[index] if index is not None and index < len(raw) else None

        ticket = _text(cell("ticket"))
        row.ticket = ticket[:64]
        if not ticket:
            row.messages.append(_("%(column)s is empty.") % {"column": "工单编号"})
        elif not TICKET_RE.match(ticket):
            row.messages.append(
                _("%(column)s may only hold letters, digits, - and _ (at most 64).")
                % {"column": "工单编号"}
            )

        called_at = parse_called_at(cell("called_at"))
        if not _text(cell("called_at")):
            row.messages.append(_("%(column)s is empty.") % {"column": "来电时间"})
        elif called_at is None:
            row.messages.append(
                _("%(column)s is not a date (use 2026-11-03 09:15).") % {"column": "来电时间"}
            )
        elif called_at > now + timedelta(hours=1) or called_at.year < 2000:
            row.messages.append(
                _("%(column)s is in the future or before 2000.") % {"column": "来电时间"}
            )
        else:
            row.data["called_at"] = called_at.isoformat()

        description = _text(cell("description"))
        if not description:
            row.messages.append(_("%(column)s is empty.") % {"column": "诉求内容"})
        elif len(description) > 4000:
            row.messages.append(
                _("%(column)s is longer than %(n)s characters.") % {"column": "诉求内容", "n": 4000}
            )
        else:
            row.data["description"] = description

        address = _text(cell("address"))
        compound = catalog.compound_in(address) if address else None
        if not address:
            row.messages.append(_("%(column)s is empty.") % {"column": "小区/地址"})
        elif len(address) > 200:
            row.messages.append(
                _("%(column)s is longer than %(n)s characters.") % {"column": "小区/地址", "n": 200}
            )
        elif compound is None:
            row.messages.append(
                _("No compound of ours is named in %(column)s.") % {"column": "小区/地址"}
            )
        elif not allowed_compounds(compound):
            row.messages.append(
                _("You may not report issues for %(compound)s.") % {"compound": compound.name}
            )
        else:
            row.data["compound_id"] = compound.pk
            row.data["compound"] = compound.name
            row.data["location_text"] = address.replace(compound.name, "", 1).strip(" ，,")

        category_text = _text(cell("category"))
        category = None
        if category_text:
            category = catalog.categories.get(category_text) or catalog.categories.get(
                category_text.lower()
            )
            if category is None:
                row.messages.append(
                    _("Unknown %(column)s “%(value)s”.")
                    % {"column": "诉求类别", "value": category_text[:40]}
                )
            else:
                row.data["category_id"] = category.pk
                row.data["category"] = category.name

        urgency_text = _text(cell("urgency"))
        if urgency_text:
            urgency = URGENCY_WORDS.get(urgency_text.lower())
            if urgency is None:
                row.messages.append(
                    _("Unknown %(column)s “%(value)s” (accepted: %(accepted)s).")
                    % {
                        "column": "紧急程度",
                        "value": urgency_text[:20],
                        "accepted": "特急、紧急、水电气热、一般、复杂",
                    }
                )
            else:
                row.data["urgency"] = urgency
        else:
            row.data["urgency"] = category.default_urgency if category else Urgency.ORDINARY

        name = _text(cell("reporter_name"))
        if len(name) > 100:
            row.messages.append(
                _("%(column)s is longer than %(n)s characters.") % {"column": "来电人", "n": 100}
            )
        else:
            row.data["reporter_name"] = name
        phone = _text(cell("reporter_phone"))
        if phone and not PHONE_RE.match(phone):
            row.messages.append(_("%(column)s is not a phone number.") % {"column": "联系电话"})
        else:
            row.data["reporter_phone"] = phone
        yield row
