"""The supervision group's history of escalations (督办记录): searched, filtered and paged
(``deliberation.lists.escalations``). The live overdue list is on the inbox page
(``work_orders/_overdue.html``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from deliberation import policy
from deliberation.lists import paged
from deliberation.lists.escalations import EscalationFilters
from deliberation.selectors.work_orders import escalations_with_orders


@login_required
@require_GET
def escalation_history_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "escalation.list", None)
    listing = paged(request, escalations_with_orders(), EscalationFilters)
    context = {"list": listing, "list_id": "escalations", "rows": listing.rows}
    return render(request, "work_orders/escalations.html", context, status=listing.status)
