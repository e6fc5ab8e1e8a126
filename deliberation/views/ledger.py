"""The public-revenue ledger's pages (docs/law.md §11): the compound's ledger for those
who keep or read it, one entry with its receipts, the export, and the published quarters
for anyone, without logging in (totals per category only, no names)."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_safe

from deliberation import actions, policy
from deliberation.live.topics import topic
from deliberation.models import Compound, LedgerAttachment, LedgerEntry
from deliberation.selectors import ledger as read

from .live import live_context

E = LedgerEntry


def _ledger(request: HttpRequest, pk: int) -> Compound:
    kind = actions.kind_of("ledger")
    assert kind is not None
    compound = kind.load(pk)
    if compound is None:
        raise Http404
    policy.require(request.user, "ledger.view", compound)
    return compound  # type: ignore[no-any-return]


@login_required
@require_safe
def ledger_page(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _ledger(request, pk)
    published = {(p.year, p.quarter) for p in read.published(compound)}
    quarters = [
        (q, (q.quarter.year, q.quarter.number) in published)
        for q in reversed(read.quarter_figures(compound))
    ]
    context = {
        "compound": compound,
        "entries": list(read.approved_with_balance(compound)),
        "undecided": list(read.undecided(compound)),
        "rejected": list(read.rejected(compound)[:20]),
        "quarters": quarters,
        "threshold": read.vote_threshold(compound),
        "next_quarter": read.next_quarter(compound),
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "ledger/page.html", context)


@login_required
@require_safe
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    kind = actions.kind_of("ledger_entry")
    assert kind is not None
    entry = kind.load(pk)
    if entry is None:
        raise Http404
    policy.require(request.user, "ledger.view", entry)
    context = {
        "entry": entry,
        "compound": entry.compound,
        "receipts": list(entry.attachments.all()),
        "corrections": list(entry.corrections.all()),
        "may_propose": entry.status == E.Status.AWAITING_VOTE
        and policy.can(request.user, "ledger.record", entry.compound),
        **live_context([topic("compound", entry.compound_id, "public")]),
    }
    return render(request, "ledger/entry.html", context)


@login_required
@require_safe
def receipt(request: HttpRequest, pk: int, receipt_pk: int) -> FileResponse:
    found = (
        LedgerAttachment.objects.select_related("entry__compound")
        .filter(pk=receipt_pk, entry_id=pk)
        .first()
    )
    if found is None:
        raise Http404
    policy.require(request.user, "ledger.view", found.entry)
    response = FileResponse(found.file.open("rb"), content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _export_rows(compound: Compound) -> list[list[Any]]:
    header = [
        pgettext("ledger", "No."),
        _("date"),
        _("income or spending"),
        _("category"),
        _("description"),
        _("paid by / paid to"),
        _("amount (yuan)"),
        _("balance (yuan)"),
        _("corrects entry"),
    ]
    rows: list[list[Any]] = [header]
    for e in read.approved_with_balance(compound):
        amount = e.amount if e.direction == E.Direction.INCOME else -e.amount
        rows.append(
            [
                e.pk,
                e.occurred_on,
                e.get_direction_display(),
                e.get_category_display(),
                e.description,
                e.counterparty,
                amount,
                e.balance,  # type: ignore[attr-defined]  # the window annotation
                e.corrects_id or "",
            ]
        )
    return rows


def _spreadsheet_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@login_required
@require_safe
def export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    compound = _ledger(request, pk)
    rows = [[_spreadsheet_safe(v) for v in row] for row in _export_rows(compound)]
    name = f"ledger-{compound.pk}"
    if fmt == "csv":
        out = io.StringIO()
        out.write("\ufeff")  # Excel reads UTF-8 Chinese only with the mark
        csv.writer(out).writerows(rows)
        response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = "ledger"
        for row in rows:
            sheet.append(row)
        out_bytes = io.BytesIO()
        book.save(out_bytes)
        response = HttpResponse(
            out_bytes.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    raise Http404


@require_safe
def public_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    """No login: the published quarters of a compound, as published."""
    compound = Compound.objects.filter(pk=pk).only("pk", "name").first()
    if compound is None:
        raise Http404
    labels = dict(E.Category.choices)
    quarters = [
        {
            "p": p,
            "lines": [(d, labels.get(c, c), amount) for d, c, amount in p.lines],
        }
        for p in read.published(compound)
    ]
    return render(request, "ledger/public.html", {"compound": compound, "quarters": quarters})
