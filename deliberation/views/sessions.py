"""Session pages: the room (participants), the public view (residents), their fragments,
the calendar file and the minutes. Every step taken on a session, an invitation or the
minutes goes through the one action endpoint (``deliberation.actions.sessions``,
``invitations``, ``minutes``); these pages draw each person's controls for it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_safe

from deliberation import policy
from deliberation.ics import invitation_ics as build_ics
from deliberation.lists import paged
from deliberation.lists.sessions import SessionFilters
from deliberation.live.topics import topic
from deliberation.models import Invitation, Minutes, Session
from deliberation.policy.sessions import parties_of
from deliberation.selectors.places import compounds_visible_to
from deliberation.selectors.sessions import (
    PARTY_ORDER,
    room_context,
    session_for_room,
    sessions_visible_to,
)
from deliberation.services import sessions as services

from .live import live_context


def _session(request: HttpRequest, pk: int, *, controls: bool = False) -> Session:
    """The session, or 404 alike for a missing id and one the user may not know of."""
    return policy.visible_or_404(request.user, session_for_room(pk, controls=controls))


@login_required
@require_safe
def session_list(request: HttpRequest) -> HttpResponse:
    """What the user may follow, searched, filtered and paged (``deliberation.lists``)."""
    listing = paged(request, sessions_visible_to(request.user), SessionFilters)
    can_convene = any(
        policy.can(request.user, "session.convene", c) for c in compounds_visible_to(request.user)
    )
    context = {
        "list": listing,
        "list_id": "sessions",
        "sessions": listing.rows,
        "can_convene": can_convene,
    }
    return render(request, "sessions/list.html", context, status=listing.status)


def _minutes(session: Session) -> Minutes | None:
    if session.status != Session.Status.ENDED:  # written when the session ends
        return None
    return Minutes.objects.filter(session=session).first()


@login_required
@require_safe
def session_room(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, controls=True)
    if not policy.can(request.user, "session.participate", session):
        return redirect("session-public", session.pk)  # it follows: the loader checked
    context = {
        **room_context(session, audience="room"),
        "my_invitations": _my_invitations(request, session),
        "minutes": _minutes(session),
        **live_context([topic("session", session.pk, "room")], last=_cursor(session)),
    }
    return render(request, "sessions/room.html", context)


def _my_invitations(request: HttpRequest, session: Session) -> list[Invitation]:
    """The invitations whose steps this person takes: their organizations' and those they
    are a delegate for; the secretary also answers for the residents' representatives, who
    have no organization. (The secretary may act for any party; the room does not offer
    that for parties that answer for themselves.)"""
    p = policy.load_principal(request.user)
    mine = set(parties_of(p, session))
    manages = policy.can(request.user, "session.manage", session)
    found = []
    for inv in session.invitations.all():
        inv.session = session  # shares the loaded session and its policy access
        inv.speaks = inv.party in mine  # type: ignore[attr-defined]  # a delegate for it
        if (
            inv.party in mine
            or (inv.organization_id is not None and inv.organization_id in p.org_kinds)
            or (inv.organization_id is None and manages)
        ):
            found.append(inv)
    return sorted(found, key=lambda i: PARTY_ORDER.index(i.party))


def _cursor(session: Session) -> int:
    return getattr(session, "live_cursor", None) or 0


@login_required
@require_safe
def session_public(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    context = {
        **room_context(session, audience="public"),
        # Residents ask here; an invited organization's staff answer its invitation here
        # before they are delegates (and may enter the room).
        "my_invitations": _my_invitations(request, session),
        "minutes": _minutes(session),
        **live_context([topic("session", session.pk, "public")], last=_cursor(session)),
    }
    return render(request, "sessions/public.html", context)


@login_required
@require_safe
def session_board(request: HttpRequest, pk: int, audience: str) -> HttpResponse:
    """The board fragment alone (what a live push carries), for a refresh."""
    session = _session(request, pk)
    if audience == "room":
        policy.require(request.user, "session.participate", session)
    elif audience == "public":
        policy.require(request.user, "session.follow", session)
    else:
        raise Http404
    return render(request, services.BOARD_TEMPLATE, room_context(session, audience=audience))


@login_required
@require_safe
def invitation_ics(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    invitation = get_object_or_404(Invitation, session=session, party=party)
    response = HttpResponse(build_ics(invitation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}-{party}.ics"'
    return response


@login_required
@require_safe
def minutes_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes as the plain text they are stored as (rendered from
    ``sessions/minutes.txt`` with autoescaping off): served as ``text/plain`` with
    ``nosniff`` so that no client reads delegates' words as HTML."""
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    record = _minutes(session)
    if record is None or (
        record.status != Minutes.Status.PUBLISHED
        and not policy.can(request.user, "session.manage", session)
    ):
        raise Http404
    response = HttpResponse(record.text_display, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="minutes-{session.pk}.txt"'
    return response


@login_required
@require_GET
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Published minutes for everyone following; the draft, with its steps (edit, publish),
    for the secretary."""
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    record = _minutes(session)
    if record is None or (
        record.status != Minutes.Status.PUBLISHED
        and not policy.can(request.user, "session.manage", session)
    ):
        raise Http404
    record.session = session  # the loaded session carries its policy access
    context = {
        "session": session,
        "minutes": record,
        # the secretary's steps on the draft change live when another one publishes it
        **live_context([topic("session", session.pk, "public")], last=_cursor(session)),
    }
    return render(request, "sessions/minutes.html", context)
