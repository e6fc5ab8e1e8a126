"""Work order pages: detail (live), evidence photos."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from deliberation import policy
from deliberation.live.topics import topic
from deliberation.models import WorkOrderEvidence
from deliberation.selectors.work_orders import work_order_detail as load_order

from .live import live_context


@login_required
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = load_order(pk)
    if order is None:
        raise Http404
    policy.require(request.user, "work_order.view", order)
    context = {"order": order, **live_context([topic("work_order", order.pk, "staff")])}
    return render(request, "work_orders/detail.html", context)


@login_required
def work_order_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    evidence = (
        WorkOrderEvidence.objects.select_related("work_order")
        .prefetch_related("work_order__co_operating")
        .filter(pk=evidence_pk, work_order_id=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    policy.require(request.user, "work_order.view", evidence.work_order)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
