"""The compound's committee page: term, re-election, election with candidates, 物管会.

Its steps are actions on the compound, its election and its bodies
(``deliberation.actions.committees``), drawn with ``{% controls %}``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from deliberation import actions, policy
from deliberation.law import owners_votes as law
from deliberation.live.topics import topic
from deliberation.models import BodySeat, CommitteeBody, CommitteeElection, Compound
from deliberation.services import committees as svc

from .live import live_context


def _compound(pk: int) -> Compound:
    """The compound as the ``compound`` action kind loads it (for its controls)."""
    kind = actions.kind_of("compound")
    assert kind is not None
    compound = kind.load(pk)
    if compound is None:
        raise Http404
    return compound


@login_required
@require_safe
def committee_page(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(pk)
    policy.require(request.user, "committee.view", compound)
    return _render(request, compound)


def _render(request: HttpRequest, compound: Compound) -> HttpResponse:
    committee = compound.owners_committee
    election = (
        CommitteeElection.objects.filter(compound=compound)
        .select_related("compound__community", "committee", "chair", "vote")
        .order_by("-id")
        .first()
    )
    candidates = (
        list(election.candidates.select_related("person").order_by("id")) if election else []
    )
    # One query for every body's seats, however many bodies the compound has had.
    bodies = list(
        CommitteeBody.objects.filter(compound=compound)
        .select_related("organization", "compound__community")
        .prefetch_related(
            Prefetch("seats", BodySeat.objects.select_related("person").order_by("seat", "id"))
        )
    )
    seats = {b.pk: list(b.seats.all()) for b in bodies}
    checks = {}
    for b in bodies:
        kinds = [s.seat for s in seats[b.pk]]
        if not kinds:
            continue
        if b.kind == CommitteeBody.Kind.PM_COMMITTEE:
            chair = next((s.seat for s in seats[b.pk] if s.is_chair), None)
            checks[b.pk] = svc.explain(law.pm_committee_problems(kinds, chair=chair))
        else:
            checks[b.pk] = svc.explain(law.reelection_group_problems(kinds))
    today = timezone.localdate()
    return render(
        request,
        "committees/page.html",
        {
            "compound": compound,
            "committee": committee,
            "report_due": law.reelection_report_due(committee.term_end)
            if committee and committee.term_end
            else None,
            "election": election,
            "candidates": candidates,
            "deadlines": svc.deadlines(election) if election else {},
            "bodies": [(b, seats[b.pk], checks.get(b.pk, [])) for b in bodies],
            "today": today,
            **live_context([topic("compound", compound.pk, "public")]),
        },
    )
