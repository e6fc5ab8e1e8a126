"""12345 hotline import pages: upload, the preview with the per-row report, and its live
progress (the import runs as a job; the page only watches).

Confirming, importing chunk by chunk and cancelling are actions on the import
(``deliberation.actions.hotline``), drawn by the preview page's controls and posted to the
one action URL.
"""

from __future__ import annotations

import csv
import io

import openpyxl
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from deliberation import policy
from deliberation.hotline_file import (
    MAX_BYTES,
    MAX_ROWS,
    TEMPLATE_EXAMPLE,
    TEMPLATE_HEADERS,
    TEMPLATE_HEADERS_OPTIONAL,
    HotlineFileError,
)
from deliberation.hotline_forms import UploadForm
from deliberation.live.topics import topic
from deliberation.models import HotlineImport
from deliberation.selectors.hotline import import_counts
from deliberation.services import hotline as services

from .live import live_context

#: Rows shown in the preview table (the counts cover every row).
PREVIEW_LIMIT = 300


def _load(request: HttpRequest, pk: int) -> HotlineImport:
    batch = HotlineImport.objects.filter(pk=pk).first()
    if batch is None:
        raise Http404
    return policy.visible_or_404(request.user, batch)


@login_required
def hotline_upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "hotline.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    error = ""
    problems: list[tuple[int, list[str]]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if (upload.size or 0) > MAX_BYTES:
                error = _("The file is too large (at most %(mb)s MB).") % {
                    "mb": MAX_BYTES // (1024 * 1024)
                }
            else:
                try:
                    batch = services.stage_hotline_file(
                        actor=request.user,  # type: ignore[arg-type]
                        name=upload.name or "",
                        content=upload.read(),
                    )
                except HotlineFileError as exc:
                    error = str(exc)
                    problems = exc.problems
                else:
                    return redirect("hotline-preview", pk=batch.pk)
        else:
            error = " ".join(str(e) for e in form.errors.get("file", [])) or _(
                "Choose a .xlsx or .csv file."
            )
        status = 400
    recent = HotlineImport.objects.filter(uploaded_by_id=request.user.pk)[:5]
    context = {
        "form": form,
        "error": error,
        "problems": problems,
        "recent": recent,
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
        "headers": TEMPLATE_HEADERS,
        "optional_headers": TEMPLATE_HEADERS_OPTIONAL,
    }
    return render(request, "hotline/upload.html", context, status=status)


@login_required
@require_safe
def hotline_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _load(request, pk)
    user_id: int = request.user.pk  # type: ignore[assignment]  # login_required
    counts = import_counts(batch)
    rows = list(batch.rows.order_by("line")[:PREVIEW_LIMIT])
    context = {
        "batch": batch,
        "counts": counts,
        "rows": rows,
        "truncated": batch.total_rows > PREVIEW_LIMIT,
        "limit": PREVIEW_LIMIT,
        # the import runs as a job: its chunks tell the importer's pages to fetch the progress
        **live_context([topic("user", user_id, "home")]),
    }
    return render(request, "hotline/preview.html", context)


@login_required
@require_safe
def hotline_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The counters and the progress bar (or the result) alone: what the page fetches again
    when a chunk of the import's job is done."""
    batch = _load(request, pk)
    context = {"batch": batch, "counts": import_counts(batch)}
    return render(request, "hotline/_live.html", context)


@login_required
@require_GET
def hotline_template(request: HttpRequest, fmt: str) -> HttpResponse:
    """The accepted template, with one example row (示例)."""
    policy.require(request.user, "hotline.import")
    if fmt not in ("xlsx", "csv"):
        raise Http404
    headers = [*TEMPLATE_HEADERS, *TEMPLATE_HEADERS_OPTIONAL]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        writer.writerow(TEMPLATE_EXAMPLE)
        response = HttpResponse(
            ("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8"
        )
    else:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = "12345"
        sheet.append(headers)
        sheet.append(TEMPLATE_EXAMPLE)
        out = io.BytesIO()
        workbook.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="hotline-template.{fmt}"'
    return response
