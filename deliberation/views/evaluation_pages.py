"""The evaluation pages of the ledger and the published results (docs/law.md §9): an
organization's evidence ledger (staff), its history across published cycles with a chart
and the property-service alliance with its members' latest grades (public, no login)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.evaluation_chart import score_chart
from deliberation.live.topics import topic
from deliberation.models import EvidenceEntry
from deliberation.selectors.evaluation_results import (
    alliance_members,
    evaluated_organization,
    ledger_entries,
    organization_history,
)
from deliberation.services.evaluations.evidence import ATTACHMENT_TYPES

from .live import live_context


@login_required
@require_safe
def evidence_ledger(request: HttpRequest, pk: int) -> HttpResponse:
    organization = evaluated_organization(pk)
    if organization is None:
        raise Http404
    policy.require(request.user, "evidence.view", organization)
    entries = ledger_entries(organization)
    for entry in entries:
        entry.may_withdraw = entry.withdrawn_at is None and policy.can(  # type: ignore[attr-defined]
            request.user, "evidence.withdraw", entry
        )
    context = {
        "organization": organization,
        "entries": entries,
        **live_context([topic("evidence_ledger", organization.pk, "staff")]),
    }
    return render(request, "evaluations/ledger.html", context)


@login_required
@require_safe
def evidence_attachment(request: HttpRequest, pk: int) -> FileResponse:
    entry = EvidenceEntry.objects.filter(pk=pk).exclude(attachment="").first()
    if entry is None:
        raise Http404
    policy.require(request.user, "evidence.view", entry)
    ext = (entry.attachment.name or "").rsplit(".", 1)[-1].lower()
    response = FileResponse(
        entry.attachment.open("rb"),
        content_type=ATTACHMENT_TYPES.get(ext, "application/octet-stream"),
        as_attachment=True,
        filename=f"evidence-{entry.pk}.{ext}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def evaluation_history(request: HttpRequest, pk: int) -> HttpResponse:
    organization = evaluated_organization(pk)
    if organization is None:
        raise Http404
    policy.require(request.user, "evaluation_history.view", organization)
    history = organization_history(organization)
    chart = score_chart(
        [
            (f"{e.cycle.year} H{e.cycle.half}", e.result.score, e.result.grade, e.result.listing)
            for e in history
        ]
    )
    context = {
        "organization": organization,
        "history": history,
        "chart": chart,
        "may_see_ledger": policy.can(request.user, "evidence.view", organization),
    }
    return render(request, "evaluations/history.html", context)


@require_safe
def service_alliance(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "evaluation_history.view")
    return render(request, "evaluations/alliance.html", {"members": alliance_members()})
