"""A compound's contract register and its changes of firm (docs/law.md §12): what was
signed, with whom, until when; each step of a handover through the action controls."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.contract_forms import CHECKLIST_LABELS
from deliberation.live.topics import topic
from deliberation.models import Compound, Handover, ServiceContract

from .live import live_context


@login_required
@require_safe
def contract_register(request: HttpRequest, pk: int) -> HttpResponse:
    compound = (
        Compound.objects.select_related("community", "owners_committee", "property_provider")
        .filter(pk=pk)
        .first()
    )
    if compound is None:
        raise Http404
    policy.require(request.user, "contracts.view", compound)
    contracts = list(
        ServiceContract.objects.filter(compound=compound)
        .select_related("firm", "compound__community", "compound__owners_committee")
        .order_by("-starts_on", "-id")
    )
    handovers = list(
        Handover.objects.filter(compound=compound)
        .select_related("old_firm", "new_firm", "compound__community", "compound__owners_committee")
        .order_by("-id")
    )
    rows = [
        (h, [(CHECKLIST_LABELS[item], getattr(h, f"{item}_at")) for item in h.CHECKLIST])
        for h in handovers
    ]
    # Steps are drawn for the contract in force and an open change of firm only (at most one
    # of each), so the page's queries do not grow with the compound's history.
    in_force = next(
        (c.pk for c in contracts if c.firm_id == compound.property_provider_id and c.is_current),
        None,
    )
    context = {
        "compound": compound,
        "in_force": in_force,
        "contracts": contracts,
        "handovers": rows,
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "contracts/register.html", context)
