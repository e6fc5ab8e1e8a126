"""A compound's page: its parties, its live notice board and the steps the person may take
on it (posting a notice, convening, proposing… — ``deliberation.actions``, one action URL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation import actions, policy
from deliberation.live.topics import topic
from deliberation.selectors import ledger
from deliberation.selectors.announcements import recent_announcements

from .live import live_context


@login_required
@require_safe
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kind = actions.kind_of("compound")
    assert kind is not None
    compound = kind.load(pk)
    if compound is None:
        raise Http404
    policy.require(request.user, "compound.view", compound)
    context = {
        "compound": compound,
        "announcements": list(recent_announcements(compound)),
        "can_view_register": policy.can(request.user, "register.view", compound),
        "can_manage_residents": policy.can(request.user, "residents.manage", compound),
        "ledger_latest": ledger.published(compound).first(),
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "compounds/detail.html", context)
