"""A compound's page: its parties, its live notice board and the steps the person may take
on it (posting a notice, convening, proposing… — ``deliberation.actions``, one action URL)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation import actions, policy
from deliberation.lists import paged
from deliberation.lists.notices import NoticeFilters
from deliberation.live.topics import topic
from deliberation.models import Compound
from deliberation.selectors import ledger
from deliberation.selectors.announcements import announcements_of, recent_announcements

from .live import live_context


def _compound(request: HttpRequest, pk: int) -> Compound:
    kind = actions.kind_of("compound")
    assert kind is not None
    compound = kind.load(pk)
    if not isinstance(compound, Compound):
        raise Http404
    policy.require(request.user, "compound.view", compound)
    return compound


@login_required
@require_safe
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(request, pk)
    context = {
        "compound": compound,
        "announcements": list(recent_announcements(compound)),
        "can_view_register": policy.can(request.user, "register.view", compound),
        "can_manage_residents": policy.can(request.user, "residents.manage", compound),
        "ledger_latest": ledger.published(compound).first(),
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "compounds/detail.html", context)


@login_required
@require_safe
def compound_notices(request: HttpRequest, pk: int) -> HttpResponse:
    """Every notice of the compound, searched, filtered and paged (``deliberation.lists``);
    the board on the compound's page shows the newest, live."""
    compound = _compound(request, pk)
    listing = paged(request, announcements_of(compound), NoticeFilters)
    context = {"compound": compound, "list": listing, "list_id": "notices"}
    return render(request, "compounds/notices.html", context, status=listing.status)
