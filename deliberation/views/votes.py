"""Pages of owners' votes: the list per compound, a vote's page with its actions, the audit.

Thin: every action is a service call; errors map to 400 (bad input), 403 (denied),
409 (the vote moved on). Workflow steps follow through ``vote_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.law.owners_votes import MatterKind
from deliberation.live.topics import topic
from deliberation.models import Ballot, Compound, Matter, OwnersVote, User, Voter
from deliberation.selectors import votes as sel
from deliberation.selectors.owner_register import owner_register
from deliberation.services import votes as svc

from .live import live_context

MAX_MATTERS = 6


def _vote(request: HttpRequest, pk: int) -> OwnersVote:
    """The vote, or 404 alike for a missing id and one the user may not know of."""
    vote = get_object_or_404(
        OwnersVote.objects.select_related(
            "compound__community", "proposed_by", "observer", "convened_by"
        ),
        pk=pk,
    )
    return policy.visible_or_404(request.user, vote)


@login_required
def compound_votes(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_object_or_404(Compound, pk=pk)
    policy.require(request.user, "vote.view", compound)
    return _render_list(request, compound)


def _render_list(
    request: HttpRequest, compound: Compound, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "compound": compound,
        "votes": list(sel.votes_of_compound(compound.pk)),
        "can_propose": policy.can(request.user, "vote.propose", compound),
        "can_view_register": policy.can(request.user, "register.view", compound),
        "can_petition": policy.can(request.user, "vote.petition", compound),
        "kinds": _kind_choices(),
        "effects": Matter.Effect.choices,
        "rows": range(1, 4),
        "error": error,
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "votes/list.html", context, status=status)


def _kind_choices() -> list[tuple[str, str]]:
    field = Matter._meta.get_field("kind")
    return [(str(k), str(v)) for k, v in field.choices or []]  # type: ignore[misc]


def _matters_from(post: Any) -> list[svc.MatterSpec]:
    specs = []
    for i in range(1, MAX_MATTERS + 1):
        title = (post.get(f"matter_title_{i}") or "").strip()
        if not title:
            continue
        kind = post.get(f"matter_kind_{i}") or ""
        if kind not in MatterKind.__members__.values():
            raise ValidationError(_("Choose the kind of every matter (Civil Code art. 278)."))
        effect = post.get(f"matter_effect_{i}") or Matter.Effect.NONE
        if effect not in Matter.Effect.values:
            raise ValidationError(_("Choose what happens when the matter passes."))
        specs.append(svc.MatterSpec(kind=kind, title=title, description="", effect=effect))
    return specs


@login_required
@require_POST
def vote_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_object_or_404(Compound.objects.select_related("community"), pk=pk)
    petition = request.POST.get("petition") == "1"
    policy.require(request.user, "vote.petition" if petition else "vote.propose", compound)
    user: User = request.user  # type: ignore[assignment]
    try:
        matters = _matters_from(request.POST)
        title = request.POST.get("title") or ""
        if petition:
            vote = svc.start_petition(actor=user, compound=compound, title=title, matters=matters)
        else:
            vote = svc.propose_vote(actor=user, compound=compound, title=title, matters=matters)
    except ValidationError as e:
        return _render_list(request, compound, error=" ".join(e.messages), status=400)
    return redirect("vote-detail", vote.pk)


@login_required
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    return _render_detail(request, vote)


def _render_detail(
    request: HttpRequest, vote: OwnersVote, *, error: str = "", status: int = 200
) -> HttpResponse:
    user_id: int = request.user.pk  # type: ignore[assignment]
    u = request.user
    staff = policy.can(u, "vote.enter_paper", vote)
    topics = [topic("vote", vote.pk, "public")]
    if staff:
        topics.append(topic("vote", vote.pk, "staff"))
    register = (
        owner_register(vote.compound) if staff and vote.status == vote.Status.PETITIONING else None
    )
    rc_id = vote.compound.community.residents_committee_id or 0
    days, period = svc.notice_days()
    earliest = timezone.localtime(timezone.now() + period)
    voting = vote.status == vote.Status.VOTING
    page = sel.vote_page_context(vote, user_id=user_id)
    context = {
        **page,
        "is_voter": voting and Voter.objects.filter(vote=vote, person_id=user_id).exists(),
        "has_signed": vote.status == vote.Status.PETITIONING
        and vote.signatures.filter(key=f"p{user_id}").exists(),
        "can": {
            "sign": policy.can(u, "vote.sign", vote),
            "cast": policy.can(u, "vote.cast", vote),
            "convene": policy.can(u, "vote.convene", vote),
            "order": policy.can(u, "vote.order", vote),
            "review": policy.can(u, "vote.review", vote),
            "notice": policy.can(u, "vote.notice", vote),
            "publish": policy.can(u, "vote.publish", vote),
            "audit": policy.can(u, "vote.audit", vote),
            "staff": staff,
        },
        "choices": Ballot.Choice.choices,
        "register_heads": register.heads if register else [],
        "observers": User.objects.filter(
            memberships__organization_id=rc_id, memberships__active=True
        ).distinct()
        if vote.status == vote.Status.REVIEW
        else [],
        "voters": list(sel.register_voters(vote))
        if staff and vote.status == vote.Status.VOTING
        else [],
        "pending": list(sel.pending_paper_ballots(vote)) if staff and voting else [],
        "earliest_opening": earliest,
        "notice_days": days,
        "demo_notice": days == 0,
        "error": error,
        **live_context(topics),
    }
    return render(request, "votes/detail.html", context, status=status)


def _dt(value: str | None) -> datetime:
    parsed = parse_datetime(value or "")
    if parsed is None:
        raise ValidationError(_("Enter a date and time."))
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


def _matter(vote: OwnersVote, value: str | None) -> Matter:
    try:
        return vote.matters.get(pk=parse_id(value) or 0)
    except Matter.DoesNotExist:
        raise ValidationError(_("Only noticed matters can be voted on.")) from None


def _act(request: HttpRequest, vote: OwnersVote, name: str) -> str:
    """Run the action; return the confirmation to show."""
    user: User = request.user  # type: ignore[assignment]
    post = request.POST
    actions: dict[str, Callable[[], str]] = {
        "sign": lambda: (svc.sign_petition(actor=user, vote=vote), _("Signed."))[1],
        "paper-signature": lambda: (
            svc.record_paper_signature(actor=user, vote=vote, key=post.get("key", "")),
            _("Paper signature recorded."),
        )[1],
        "order": lambda: (svc.order_convening(actor=user, vote=vote), _("Convening ordered."))[1],
        "convene": lambda: (svc.convene(actor=user, vote=vote), _("Meeting convened."))[1],
        "review": lambda: (
            svc.review(actor=user, vote=vote, observer=_observer(post.get("observer"))),
            _("Reviewed; observer recorded."),
        )[1],
        "notice": lambda: (
            svc.publish_notice(
                actor=user,
                vote=vote,
                opens_at=_dt(post.get("opens_at")),
                closes_at=_dt(post.get("closes_at")),
                place_and_method=post.get("place_and_method", ""),
            ),
            _("Notice published to every owner."),
        )[1],
        "open": lambda: (
            _("Voting is open.")
            if svc.open_voting(vote=vote)
            else _("Voting cannot open before the announced time.")
        ),
        "close": lambda: (
            _("Voting closed.")
            if svc.close_voting(vote=vote)
            else _("Voting closes at the announced time.")
        ),
        "cast": lambda: _cast(user, vote, post),
        "delivered": lambda: (
            _("Delivery recorded for %(n)s owners.")
            % {
                "n": svc.record_delivery(
                    actor=user,
                    vote=vote,
                    voter_ids=list(
                        vote.voters.filter(delivered_at__isnull=True).values_list("pk", flat=True)
                    ),
                    method="paper" if post.get("method") != "posted" else "posted",
                )
            }
        ),
        "paper": lambda: (
            svc.enter_paper_ballot(
                actor=user,
                matter=_matter(vote, post.get("matter")),
                voter=_voter(vote, post.get("voter")),
                choice=post.get("choice", ""),
            ),
            _("Paper ballot entered; a second person must confirm it."),
        )[1],
        "confirm": lambda: (
            _("Confirmed: the ballot counts.")
            if svc.confirm_paper_ballot(
                actor=user, ballot=_ballot(vote, post.get("ballot")), choice=post.get("choice", "")
            )
            else _("The entries differ: the paper ballot must be entered again.")
        ),
        "publish": lambda: (
            svc.publish_results(actor=user, vote=vote),
            _("Results published."),
        )[1],
    }
    if name not in actions:
        raise Http404
    return actions[name]()


def _cast(user: User, vote: OwnersVote, post: Any) -> str:
    cast = 0
    for matter in vote.matters.all():
        choice = post.get(f"choice_{matter.pk}")
        if choice:
            svc.cast_ballot(actor=user, matter=matter, choice=choice)
            cast += 1
    if not cast:
        raise ValidationError(_("Choose agree, disagree or abstain."))
    return _("Your ballot is saved. You can change it until voting closes.")


def _observer(value: str | None) -> User:
    try:
        return User.objects.get(pk=parse_id(value) or 0)
    except User.DoesNotExist:
        raise ValidationError(_("Choose the observer.")) from None


def _voter(vote: OwnersVote, value: str | None) -> Voter:
    try:
        return Voter.objects.get(vote=vote, pk=parse_id(value) or 0)
    except Voter.DoesNotExist:
        raise ValidationError(_("Choose an owner from this meeting's register.")) from None


def _ballot(vote: OwnersVote, value: str | None) -> Ballot:
    try:
        return Ballot.objects.get(matter__vote=vote, pk=parse_id(value) or 0)
    except Ballot.DoesNotExist:
        raise ValidationError(_("This paper entry no longer exists.")) from None


#: The rule behind each action, asked before any input is read: a refused user gets 403
#: whatever they post, never a 400 that tells them about the form (the services ask again).
#: Opening and closing follow the announced times (the clock does it too); the buttons are the
#: ballot-box staff's, and so is the endpoint.
ACTION_RULES: dict[str, str] = {
    "sign": "vote.sign",
    "paper-signature": "vote.record_paper",
    "order": "vote.order",
    "convene": "vote.convene",
    "review": "vote.review",
    "notice": "vote.notice",
    "open": "vote.enter_paper",
    "close": "vote.enter_paper",
    "cast": "vote.cast",
    "delivered": "vote.record_paper",
    "paper": "vote.enter_paper",
    "confirm": "vote.enter_paper",
    "publish": "vote.publish",
}


@login_required
@require_POST
def vote_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    vote = _vote(request, pk)
    if action not in ACTION_RULES:
        raise Http404
    policy.require(request.user, ACTION_RULES[action], vote)
    try:
        notice = _act(request, vote, action)
    except ValidationError as e:
        return _render_detail(request, _vote(request, pk), error=" ".join(e.messages), status=400)
    except svc.VoteConflict as e:
        return _render_detail(request, _vote(request, pk), error=str(e), status=409)
    messages.success(request, notice)
    return redirect("vote-detail", vote.pk)


@login_required
def vote_audit(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    policy.require(request.user, "vote.audit", vote)
    ballots = (
        Ballot.objects.filter(matter__vote=vote)
        .select_related("matter", "voter", "cast_by", "confirmed_by")
        .order_by("matter__position", "voter__label")
    )
    return render(
        request,
        "votes/audit.html",
        {"vote": vote, "ballots": list(ballots), "trail": list(sel.audit_trail(vote)[:500])},
    )
