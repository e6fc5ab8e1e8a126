"""The residents' committee's page for a compound's residents: link requests waiting for
it, the people linked to each unit, creating an account for a person, importing many from
a spreadsheet (upload and preview here, a read; confirming is ``compound.import_residents``)
and printing invitation letters with a QR code that opens the registration for a unit."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from deliberation import policy
from deliberation.account_forms import CreateResidentForm, ResidentRowsForm, sign_resident_rows
from deliberation.ids import parse_id
from deliberation.models import Building, Compound, LinkRequest, Residency, Unit
from deliberation.services.accounts import invitation_token
from deliberation.services.resident_import import parse_residents

from .documents import _pdf
from .live import live_context

MAX_UPLOAD = 5 * 1024 * 1024
PER_PAGE = 50


def _compound(request: HttpRequest, pk: int) -> Compound:
    compound = get_object_or_404(Compound.objects.select_related("community"), pk=pk)
    policy.require(request.user, "residents.manage", compound)
    return compound


def _render(
    request: HttpRequest,
    compound: Compound,
    *,
    preview: object = None,
    confirm: ResidentRowsForm | None = None,
    create: CreateResidentForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    pending = list(
        LinkRequest.objects.filter(
            unit__building__compound=compound, status=LinkRequest.Status.PENDING
        )
        .select_related("user", "unit__building__compound__community")
        .order_by("created")[:PER_PAGE]
    )
    residencies = (
        Residency.objects.filter(unit__building__compound=compound)
        .select_related("user", "unit__building")
        .order_by("unit__building__name", "unit__number", "user__display_name")
    )
    page = Paginator(residencies, PER_PAGE).get_page(request.GET.get("page"))
    committee = compound.community.residents_committee_id
    context = {
        "compound": compound,
        "pending": pending,
        "page": page,
        "create": create or CreateResidentForm(prefix="create_resident", compound=compound),
        "preview": preview,
        "confirm": confirm,
        "error": error,
        "buildings": Building.objects.filter(compound=compound).order_by("name"),
        **live_context([f"org:{committee}:inbox"] if committee else []),
    }
    return render(request, "residents/page.html", context, status=status)


@login_required
@require_safe
def residents_page(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, _compound(request, pk))


@login_required
@require_http_methods(["GET", "POST"])
def residents_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload and preview: a read. The preview carries its rows, signed, to the confirm
    step ``compound.import_residents`` on the one action URL."""
    compound = _compound(request, pk)
    if request.method != "POST":
        return redirect("residents-page", pk)
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        return _render(
            request, compound, error=_("Choose a CSV or Excel file (at most 5 MB)."), status=400
        )
    try:
        rows = parse_residents(compound, upload.name or "", upload.read())
    except ValidationError as e:
        return _render(request, compound, error=" ".join(e.messages), status=400)
    if not rows:
        return _render(request, compound, error=_("The file has no rows."), status=400)
    if any(r.errors for r in rows):
        return _render(request, compound, preview=rows, status=400)
    signed = sign_resident_rows(compound, request.user, [r.as_dict() for r in rows])
    confirm = ResidentRowsForm(
        initial={"rows": signed}, prefix="import_residents", compound=compound, user=request.user
    )
    return _render(request, compound, preview=rows, confirm=confirm)


def _letters(request: HttpRequest, compound: Compound, *, paged: bool) -> dict[str, Any]:
    """The letters of one building (``?building=<id>``, default the first): each unit's
    registration link with its signed invitation, and the link's QR code. The page shows
    them 50 at a time; the PDF prints the whole building."""
    buildings = list(Building.objects.filter(compound=compound).order_by("name"))
    chosen = parse_id(request.GET.get("building", "")) if request.GET.get("building") else None
    building = next((b for b in buildings if b.pk == chosen), buildings[0] if buildings else None)
    letters = []
    units = Unit.objects.filter(building=building).select_related("building").order_by("number")
    page = Paginator(units, PER_PAGE).get_page(request.GET.get("page")) if paged else None
    if building is not None:
        for unit in page if page is not None else units:
            url = request.build_absolute_uri(
                reverse("account-register") + "?invite=" + invitation_token(unit)
            )
            qr = segno.make(url, error="m").svg_data_uri(scale=3, border=2)
            letters.append({"unit": unit, "url": url, "qr": qr})
    return {
        "compound": compound,
        "buildings": buildings,
        "building": building,
        "letters": letters,
        "page": page,
    }


@login_required
@require_safe
def letters_page(request: HttpRequest, pk: int) -> HttpResponse:
    context = _letters(request, _compound(request, pk), paged=True)
    return render(request, "residents/letters.html", context)


@login_required
@require_safe
def letters_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _letters(request, _compound(request, pk), paged=False)
    name = f"letters-{pk}-{context['building'].pk if context['building'] else 0}.pdf"
    return _pdf(request, "documents/letters.html", context, name)
