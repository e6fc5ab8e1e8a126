"""Pages of owners' votes: the list per compound, a vote's page, the audit.

Thin: every step on a vote (and proposing one on a compound) is an action declared in
``deliberation.actions.votes`` / ``.committees`` and posted to the one action endpoint;
these pages draw them with ``{% controls %}``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from deliberation import actions, policy
from deliberation.lists import paged
from deliberation.lists.votes import VoteFilters
from deliberation.live.topics import topic
from deliberation.models import Ballot, Compound, MatterDocument, OwnersVote
from deliberation.selectors import votes as sel
from deliberation.selectors.owner_register import head_key
from deliberation.services import votes as svc

from .documents import vote_documents
from .live import live_context


def _loaded(kind_name: str, pk: int) -> object | None:
    """The thing as its action kind loads it (its controls need what the loader joins)."""
    kind = actions.kind_of(kind_name)
    assert kind is not None, kind_name
    return kind.load(pk)


@login_required
@require_safe
def compound_votes(request: HttpRequest, pk: int) -> HttpResponse:
    compound = _loaded("compound", pk)
    if not isinstance(compound, Compound):
        raise Http404
    policy.require(request.user, "vote.view", compound)
    listing = paged(request, sel.votes_of_compound(compound.pk), VoteFilters)
    context = {
        "compound": compound,
        "list": listing,
        "list_id": "votes",
        "votes": listing.rows,
        "can_view_register": policy.can(request.user, "register.view", compound),
        "adopted_texts": sel.adopted_texts(compound.pk),
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "votes/list.html", context, status=listing.status)


@login_required
@require_safe
def vote_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _loaded("vote", pk)
    if not isinstance(vote, OwnersVote):
        raise Http404
    policy.visible_or_404(request.user, vote)
    user_id: int = request.user.pk  # type: ignore[assignment]
    staff = policy.can(request.user, "vote.enter_paper", vote)
    # who enters signatures for owners sees the names and who entered what
    show_signatures = vote.origin == OwnersVote.Origin.PETITION and policy.can(
        request.user, "vote.record_paper", vote
    )
    signatures = sel.signatures_context(vote)["signatures"] if show_signatures else []
    key = head_key(person_id=user_id)
    mine = (
        next((s for s in signatures if s.key == key), None)
        if show_signatures  # the list holds it already
        else sel.my_signature(vote, key)
    )
    topics = [topic("vote", vote.pk, "public")]
    if staff or show_signatures:
        topics.append(topic("vote", vote.pk, "staff"))
    days, _period = svc.notice_days()
    voting = vote.status == OwnersVote.Status.VOTING
    context = {
        **sel.vote_page_context(vote, user_id=user_id, matters=sel.matters_for_page(vote, user_id)),
        "can_audit": policy.can(request.user, "vote.audit", vote),
        "documents": vote_documents(request.user, vote),
        "my_receipt": sel.latest_receipt(vote, user_id) if vote.noticed_at else None,
        "show_paper_queue": staff and voting,
        "show_signatures": show_signatures,
        "signatures": signatures,
        "my_signature": mine,
        **(sel.paper_queue(vote) if staff and voting else {"pending": []}),
        "demo_notice": days == 0,
        **live_context(topics),
    }
    return render(request, "votes/detail.html", context)


@login_required
@require_safe
def vote_audit(request: HttpRequest, pk: int) -> HttpResponse:
    vote = get_object_or_404(
        OwnersVote.objects.select_related("compound__community", "observer"), pk=pk
    )
    policy.visible_or_404(request.user, vote)
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


@login_required
@require_safe
def vote_document(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    """A matter's document, for whoever may see the vote (the owners read it before voting)."""
    vote = get_object_or_404(OwnersVote.objects.select_related("compound__community"), pk=pk)
    policy.visible_or_404(request.user, vote)
    document = get_object_or_404(MatterDocument, pk=doc, matter__vote=vote)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
