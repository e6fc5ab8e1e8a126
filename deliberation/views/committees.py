"""The compound's committee page: term, re-election, election with candidates, 物管会."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.law import owners_votes as law
from deliberation.models import (
    BodySeat,
    Candidate,
    CommitteeBody,
    CommitteeElection,
    Compound,
    User,
)
from deliberation.selectors.owner_register import owner_register
from deliberation.services import committees as svc


def _compound(pk: int) -> Compound:
    return get_object_or_404(
        Compound.objects.select_related("owners_committee", "community"), pk=pk
    )


@login_required
def committee_page(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _compound(pk)
    policy.require(request.user, "committee.view", compound)
    return _render(request, compound)


def _render(
    request: HttpRequest, compound: Compound, *, error: str = "", status: int = 200
) -> HttpResponse:
    committee = compound.owners_committee
    election = (
        CommitteeElection.objects.filter(compound=compound)
        .select_related("committee", "chair", "vote")
        .first()
    )
    candidates = (
        list(election.candidates.select_related("person").order_by("id")) if election else []
    )
    # One query for every body's seats, however many bodies the compound has had.
    bodies = list(
        CommitteeBody.objects.filter(compound=compound)
        .select_related("organization")
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
    u = request.user
    manage = policy.can(u, "committee.manage", compound)
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
            "owners": owner_register(compound).heads if manage else [],
            "sources": Candidate.Source.choices,
            "can": {
                "manage": manage,
                "chair": policy.can(u, "committee.chair", compound),
                "register": policy.can(u, "committee.register", compound),
                "report": policy.can(u, "committee.report", compound),
            },
            "today": today,
            "error": error,
        },
        status=status,
    )


def _int(value: str | None, message: str) -> int:
    number = 0 if value == "0" else parse_id(value)
    if number is None:  # not int(): it takes "٣" and "1_0"
        raise ValidationError(message)
    return number


def _person(value: str | None) -> User:
    try:
        return User.objects.get(pk=parse_id(value) or 0)
    except User.DoesNotExist:
        raise ValidationError(_("Choose a person.")) from None


#: The rule behind each action, asked before any input is read (403 whatever is posted; the
#: services ask again).
ACTION_RULES: dict[str, str] = {
    "start": "committee.manage",
    "nominate": "committee.manage",
    "put-to-vote": "committee.manage",
    "chair": "committee.chair",
    "register": "committee.register",
    "report": "committee.report",
}


@login_required
@require_POST
def committee_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    compound = _compound(pk)
    policy.require(request.user, "committee.view", compound)
    if action not in ACTION_RULES:
        raise Http404
    policy.require(request.user, ACTION_RULES[action], compound)
    user: User = request.user  # type: ignore[assignment]
    post = request.POST
    election = CommitteeElection.objects.filter(compound=compound).first()

    def need_election() -> CommitteeElection:
        if election is None:
            raise ValidationError(_("Start an election first."))
        return election

    def report() -> str:
        body = CommitteeBody.objects.filter(
            compound=compound, kind=CommitteeBody.Kind.REELECTION_GROUP, reported_on__isnull=True
        ).first()
        if body is None:
            raise ValidationError(_("No re-election is due yet."))
        svc.report_term_end(actor=user, body=body)
        return _("Reported to the subdistrict.")

    actions: dict[str, Callable[[], str]] = {
        "start": lambda: (
            svc.start_election(
                actor=user,
                compound=compound,
                seats=_int(post.get("seats"), _("Enter the number of members.")),
                alternates=_int(post.get("alternates") or "0", _("Enter a number.")),
                term_years=_int(post.get("term_years"), _("Enter the term in years.")),
            ),
            _("Election planned."),
        )[1],
        "nominate": lambda: (
            svc.nominate(
                actor=user,
                election=need_election(),
                person=_person(post.get("person")),
                nominated_by=post.get("nominated_by", ""),
                interest_in_property_firm=post.get("interest") == "1",
                judgment_defaulter=post.get("defaulter") == "1",
            ),
            _("Candidate nominated."),
        )[1],
        "put-to-vote": lambda: _put(user, need_election(), post.get("title", "")),
        "chair": lambda: (
            svc.elect_chair(
                actor=user, election=need_election(), chair=_person(post.get("person"))
            ),
            _("Chair recorded."),
        )[1],
        "register": lambda: (
            svc.register_committee(actor=user, election=need_election()),
            _("Committee registered."),
        )[1],
        "report": report,
    }
    if action not in actions:
        raise Http404
    try:
        notice = actions[action]()
    except ValidationError as e:
        return _render(request, compound, error=" ".join(e.messages), status=400)
    messages.success(request, notice)
    return redirect("committee-page", compound.pk)


def _put(user: User, election: CommitteeElection, title: str) -> str:
    vote = svc.put_to_owners(
        actor=user, election=election, title=title.strip() or _("Owners' committee election")
    )
    return _("Put to the owners as vote #%(id)s.") % {"id": vote.pk}
