"""The compound's committee page: term, re-election, election with candidates, 物管会.

Its steps are actions on the compound, its election and its bodies
(``deliberation.actions.committees``), drawn with ``{% controls %}``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from deliberation import actions, policy
from deliberation.errors import Forbidden
from deliberation.law import owners_votes as law
from deliberation.live.topics import topic
from deliberation.models import BodySeat, CommitteeBody, CommitteeElection, Compound
from deliberation.services import committee_bodies as bodies_svc
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
        if not seats[b.pk]:
            continue
        chair = next((s.person for s in seats[b.pk] if s.is_chair), None)
        composition = bodies_svc.Composition([(s.person, s.seat) for s in seats[b.pk]], chair)
        checks[b.pk] = bodies_svc.check(b.kind, composition)
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


#: the steps whose form is a composition, checked as it is filled in
CHECKED = {("compound", "form_pm_committee"), ("committee_body", "form_group")}


@login_required
@require_POST
def composition_check(request: HttpRequest, kind: str, pk: int, name: str) -> HttpResponse:
    """The rules' answer to the composition entered so far (htmx, on every change): the same
    check the service makes when the form is sent (docs/law.md §§4–5). Changes nothing."""
    object_kind, action = actions.kind_of(kind), actions.action_of(kind, name)
    if (kind, name) not in CHECKED or object_kind is None or action is None:
        raise Http404
    obj = object_kind.load(pk)
    if obj is None or not policy.can(request.user, "committee.view", obj):
        raise Http404
    if not actions.may(request.user, obj, action):
        raise Forbidden(action.key)
    form = action.make_form(obj, request.user, request.POST)
    form.is_valid()
    composition = form.cleaned_data.get("composition")
    body_kind = CommitteeBody.Kind.PM_COMMITTEE if kind == "compound" else obj.kind
    if composition is None or not composition.seats:
        problems = [str(_("Enter the members."))]
    else:
        problems = bodies_svc.check(body_kind, composition)
    return render(request, "committees/_composition_check.html", {"problems": problems})
