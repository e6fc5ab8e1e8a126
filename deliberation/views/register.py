"""The owner register page: heads and area per compound, explained; the import's upload and
preview (a read); confirming it is the ``compound.import_register`` action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from deliberation import policy
from deliberation.forms import RegisterRowsForm, sign_register_rows
from deliberation.models import Compound, Unit
from deliberation.selectors.owner_register import owner_register
from deliberation.services.owner_register import parse_register

MAX_UPLOAD = 5 * 1024 * 1024

#: The selector counts by codes; people read these (the page once showed "person: 46").
HEAD_KINDS = {
    "person": pgettext_lazy("owner register", "natural persons"),
    "organization": pgettext_lazy("owner register", "organizations"),
    "developer": pgettext_lazy("owner register", "developer (unsold units)"),
    "property_rights_unit": pgettext_lazy("owner register", "property-rights unit"),
}
PROBLEMS = {
    "no_owner": gettext_lazy("no owner recorded"),
    "no_designated_voter": gettext_lazy("co-owners named no designated voter"),
    "two_designated": gettext_lazy("more than one designated voter"),
}


@login_required
@require_safe
def register_page(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_object_or_404(Compound, pk=pk)
    policy.require(request.user, "register.view", compound)
    return _render(request, compound)


def _render(
    request: HttpRequest,
    compound: Compound,
    *,
    preview: object = None,
    confirm: RegisterRowsForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    register = owner_register(compound)
    return render(
        request,
        "votes/register.html",
        {
            "compound": compound,
            "register": register,
            "total": register.total,
            "by_kind": [
                (kind, HEAD_KINDS.get(kind, kind), weight)
                for kind, weight in register.by_kind().items()
            ],
            "area_sources": [
                (Unit.AreaSource(source).label if source in Unit.AreaSource.values else source, n)
                for source, n in register.area_sources.items()
            ],
            "problems": [(label, PROBLEMS.get(code, code)) for label, code in register.problems],
            "can_import": policy.can(request.user, "register.import", compound),
            "preview": preview,
            "confirm": confirm,
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload and preview: a read (the file is parsed and shown, nothing is stored). The
    preview carries its rows, signed, to the confirm step: ``compound.import_register``
    on the one action URL (``deliberation.actions.register``)."""
    compound = get_object_or_404(Compound, pk=pk)
    policy.require(request.user, "register.import", compound)
    if request.method != "POST":
        return redirect("owner-register", pk)
    upload = request.FILES.get("file")
    if upload is None or upload.size is None or upload.size > MAX_UPLOAD:
        return _render(
            request, compound, error=_("Choose a CSV or Excel file (at most 5 MB)."), status=400
        )
    try:
        rows = parse_register(compound, upload.name or "", upload.read())
    except ValidationError as e:
        return _render(request, compound, error=" ".join(e.messages), status=400)
    if not rows:
        return _render(request, compound, error=_("The file has no rows."), status=400)
    if any(r.errors for r in rows):
        return _render(request, compound, preview=rows, status=400)
    signed = sign_register_rows(compound, request.user, [r.as_dict() for r in rows])
    confirm = RegisterRowsForm(
        initial={"rows": signed}, prefix="import_register", compound=compound, user=request.user
    )
    return _render(request, compound, preview=rows, confirm=confirm)
