"""The printable documents (PDF) of an owners' meeting and of a session.

Each document has its own URL and is rendered only when that URL is asked for (WeasyPrint
is slow: never on the way to a page). The policy decides who may print what: the notice,
the petition form and the published results are for everyone who may see the meeting; the
paper ballots carry owners' names and areas and are for those who enter paper ballots; the
results before publication for those who publish them; minutes as ``minutes.txt``.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.models import Minutes, OwnersVote, Session
from deliberation.selectors import documents as docs
from deliberation.selectors.sessions import session_for_room

S = OwnersVote.Status


def _pdf(request: HttpRequest, template: str, context: dict[str, Any], name: str) -> HttpResponse:
    """Render the template to PDF. Only ``data:`` URLs are fetched (the QR code): a
    document never reaches the network or the file system, whatever its text says."""
    html = render_to_string(template, context, request=request)
    fetcher = URLFetcher(allowed_protocols=("data",))
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'  # ours: ASCII, no quotes
    response["Cache-Control"] = "private, no-store"
    return response


def _vote(request: HttpRequest, pk: int) -> OwnersVote:
    vote = docs.vote_for_print(pk)
    if vote is None:
        raise Http404
    return policy.visible_or_404(request.user, vote)


def _qr(url: str) -> str:
    """The QR code of the voting page, as an inline SVG data URL."""
    return segno.make(url, error="m").svg_data_uri(scale=3, border=2)


@login_required
@require_safe
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    policy.require(request.user, "vote.view", vote)
    if vote.noticed_at is None or vote.status == S.CANCELLED:
        raise Http404
    page = request.build_absolute_uri(reverse("vote-detail", args=[vote.pk]))
    context = {**docs.notice_document(vote), "vote_url": page, "qr": _qr(page)}
    return _pdf(request, "documents/notice.html", context, f"notice-{vote.pk}.pdf")


@login_required
@require_safe
def ballots_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballots still to be returned; ``?voter=<id>``: one owner's (a replacement)."""
    vote = _vote(request, pk)
    policy.require(request.user, "vote.enter_paper", vote)
    if vote.status not in (S.NOTICED, S.VOTING):
        raise Http404
    voter_id = None
    if "voter" in request.GET:
        voter_id = parse_id(request.GET["voter"])
        if voter_id is None:
            raise Http404
    context = docs.ballot_documents(vote, voter_id=voter_id)
    if voter_id is not None and not context["ballots"]:
        raise Http404
    return _pdf(request, "documents/ballots.html", context, f"ballots-{vote.pk}.pdf")


@login_required
@require_safe
def petition_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    vote = _vote(request, pk)
    policy.require(request.user, "vote.view", vote)
    if vote.status != S.PETITIONING:
        raise Http404
    context = docs.petition_document(vote)
    return _pdf(request, "documents/petition.html", context, f"petition-{vote.pk}.pdf")


@login_required
@require_safe
def results_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Published results for everyone; the tallied draft for those who publish it."""
    vote = _vote(request, pk)
    if vote.status == S.PUBLISHED:
        policy.require(request.user, "vote.view", vote)
    elif vote.status == S.TALLIED:
        policy.require(request.user, "vote.publish", vote)
    else:
        raise Http404
    context = docs.results_document(vote)
    return _pdf(request, "documents/results.html", context, f"results-{vote.pk}.pdf")


@login_required
@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as posted: published ones for followers, the draft for the secretary."""
    session = policy.visible_or_404(request.user, session_for_room(pk))
    policy.require(request.user, "session.follow", session)
    record = Minutes.objects.filter(session=session).first()
    if (
        session.status != Session.Status.ENDED
        or record is None
        or (
            record.status != Minutes.Status.PUBLISHED
            and not policy.can(request.user, "session.manage", session)
        )
    ):
        raise Http404
    context = docs.minutes_document(session, record)
    return _pdf(request, "documents/minutes.html", context, f"minutes-{session.pk}.pdf")


def vote_documents(user: Any, vote: OwnersVote) -> list[tuple[str, str]]:
    """The documents of this meeting ``user`` may print now, as (label, URL), for its page:
    the same conditions as the views above, without rendering anything."""
    out: list[tuple[str, str]] = []
    if vote.status == S.PETITIONING and policy.can(user, "vote.view", vote):
        out.append((_("Petition form (PDF)"), reverse("vote-petition-pdf", args=[vote.pk])))
    if vote.noticed_at is not None and vote.status != S.CANCELLED:
        out.append((_("Meeting notice (PDF)"), reverse("vote-notice-pdf", args=[vote.pk])))
    if vote.status in (S.NOTICED, S.VOTING) and policy.can(user, "vote.enter_paper", vote):
        out.append((_("Paper ballots (PDF)"), reverse("vote-ballots-pdf", args=[vote.pk])))
    published = vote.status == S.PUBLISHED
    if published or (vote.status == S.TALLIED and policy.can(user, "vote.publish", vote)):
        out.append((_("Results announcement (PDF)"), reverse("vote-results-pdf", args=[vote.pk])))
    return out
