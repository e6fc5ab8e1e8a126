"""Session pages: the room (participants), the public view (residents), their fragments,
and the room's actions. Steps that move the session's process (convene, reply, open, end,
publish) live in ``workflows.views``."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import only_ids, parse_count, parse_id
from deliberation.live.topics import topic
from deliberation.models import (
    AgendaItem,
    Invitation,
    Issue,
    Minutes,
    Party,
    Position,
    Question,
    ResolutionVote,
    Round,
    Session,
    User,
)
from deliberation.policy.sessions import parties_of
from deliberation.selectors.sessions import (
    delegate_choices,
    later_sessions,
    room_context,
    session_for_room,
    sessions_visible_to,
    waiting_issues,
)
from deliberation.services import minutes as minutes_services
from deliberation.services import sessions as services

from .live import live_context
from .session_actions import act, notice


def _session(request: HttpRequest, pk: int, *, controls: bool = False) -> Session:
    """The session, or 404 alike for a missing id and one the user may not know of."""
    return policy.visible_or_404(request.user, session_for_room(pk, controls=controls))


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # login_required


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    from deliberation.selectors.places import compounds_visible_to

    sessions = list(sessions_visible_to(request.user)[:100])
    can_convene = any(
        policy.can(request.user, "session.convene", c) for c in compounds_visible_to(request.user)
    )
    return render(request, "sessions/list.html", {"sessions": sessions, "can_convene": can_convene})


def _minutes(session: Session) -> Minutes | None:
    if session.status != Session.Status.ENDED:  # written when the session ends
        return None
    return Minutes.objects.filter(session=session).first()


@login_required
def session_room(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, controls=True)
    if not policy.can(request.user, "session.participate", session):
        return redirect("session-public", session.pk)  # it follows: the loader checked
    board = room_context(session, audience="room")
    is_chair = policy.can(request.user, "session.chair", session)
    can_manage = policy.can(request.user, "session.manage", session)
    replyable = [
        inv for inv in board["invitations"] if policy.can(request.user, "session.reply", inv)
    ]
    choices = (
        delegate_choices(session, replyable) if session.status == Session.Status.CONVENED else {}
    )
    my_parties = parties_of(policy.load_principal(request.user), session)
    running = session.status != Session.Status.ENDED
    context = {
        **board,
        "is_chair": is_chair,
        "can_manage": can_manage,
        "replyable": [
            (inv, choices.get(inv.party, []), {u.pk for u in inv.delegates.all()})
            for inv in replyable
        ],
        "my_parties": [(p, Party(p).label) for p in my_parties],
        "parties": Party.choices,
        "stances": Position.Stance.choices,
        "vote_choices": ResolutionVote.Choice.choices,
        "later_sessions": later_sessions(session) if is_chair and running else [],
        "minutes": _minutes(session),
        "waiting_issues": waiting_issues(session) if can_manage and running else [],
        "today": date.today().isoformat(),
        **live_context([topic("session", session.pk, "room")], last=_cursor(session)),
    }
    return render(request, "sessions/room.html", context)


def _cursor(session: Session) -> int:
    return getattr(session, "live_cursor", None) or 0


@login_required
def session_public(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    context = {
        **room_context(session, audience="public"),
        "can_ask": policy.can(request.user, "session.ask", session),
        "minutes": _minutes(session),
        **live_context([topic("session", session.pk, "public")], last=_cursor(session)),
    }
    return render(request, "sessions/public.html", context)


@login_required
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
def invitation_ics(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    from deliberation.ics import invitation_ics as build

    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    invitation = get_object_or_404(Invitation, session=session, party=party)
    response = HttpResponse(build(invitation), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="session-{session.pk}-{party}.ics"'
    return response


# --- actions -------------------------------------------------------------------------------


def _posted_item(request: HttpRequest, session: Session) -> AgendaItem:
    item_id = parse_id(request.POST.get("item"))
    return get_object_or_404(AgendaItem, session=session, pk=item_id or 0)


def _party(request: HttpRequest) -> str:
    party = request.POST.get("party", "")
    return party if party in Party.values else ""


@login_required
@require_POST
def name_delegates(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    session = _session(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("session"), session=session, party=party
    )
    ids = only_ids(request.POST.getlist("delegates"))
    users = list(User.objects.filter(pk__in=ids))
    return act(
        request,
        session,
        lambda: services.name_delegates(
            actor=_user(request), invitation=invitation, delegates=users
        ),
        _("Delegates saved."),
    )


@login_required
@require_POST
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    budget = request.POST.get("time_budget_minutes", "20")
    ids = only_ids(request.POST.getlist("issues"))
    issues = list(Issue.objects.filter(pk__in=ids))
    return act(
        request,
        session,
        lambda: services.add_agenda_item(
            actor=_user(request),
            session=session,
            title=request.POST.get("title", ""),
            description=request.POST.get("description", ""),
            time_budget_minutes=parse_count(budget, below=600) or 20,
            issues=issues,
        ),
        _("Item added."),
    )


@login_required
@require_POST
def reorder(request: HttpRequest, pk: int) -> HttpResponse:
    """Either the full order (``items`` repeated) or one item moved ``up``/``down``."""
    session = _session(request, pk)
    ids = only_ids(request.POST.getlist("items"))
    moved, direction = parse_id(request.POST.get("item")), request.POST.get("direction", "")
    if not ids and moved is not None and direction in ("up", "down"):
        ids = list(session.items.order_by("order", "id").values_list("pk", flat=True))
        if moved in ids:
            i = ids.index(moved)
            j = i - 1 if direction == "up" else i + 1
            if 0 <= j < len(ids):
                ids[i], ids[j] = ids[j], ids[i]
    return act(
        request,
        session,
        lambda: services.reorder_agenda(actor=_user(request), session=session, item_ids=ids),
        _("Agenda reordered."),
    )


@login_required
@require_POST
def open_item(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)  # the rule before the input
    item = _posted_item(request, session)
    return act(
        request,
        session,
        lambda: services.open_item(actor=_user(request), item=item),
        _("Item opened."),
    )


@login_required
@require_POST
def open_round(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: services.open_round(actor=_user(request), session=session),
        _("Round opened."),
    )


@login_required
@require_POST
def close_round(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)
    rnd = (
        Round.objects.filter(item__session=session, status=Round.Status.OPEN)
        .select_related("item__session")
        .first()
    )
    if rnd is None:
        return notice(request, session, _("No round is open."), status=409)
    return act(
        request,
        session,
        lambda: services.close_round(actor=_user(request), round=rnd),
        _("Round closed."),
    )


@login_required
@require_POST
def state_position(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: services.state_position(
            actor=_user(request),
            session=session,
            party=_party(request),
            stance=request.POST.get("stance", ""),
            statement=request.POST.get("statement", ""),
        ),
        _("Position recorded; you may amend it until the round closes."),
    )


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@login_required
@require_POST
def propose_resolution(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)  # the rule before the input
    deadline = _date(request.POST.get("deadline", ""))
    if deadline is None:
        return notice(request, session, _("Give a valid deadline."), status=400)
    return act(
        request,
        session,
        lambda: services.propose_resolution(
            actor=_user(request),
            session=session,
            decision=request.POST.get("decision", ""),
            responsible_party=request.POST.get("responsible_party", ""),
            cooperating_parties=request.POST.getlist("cooperating_parties"),
            deadline=deadline,
            acceptance_criteria=request.POST.get("acceptance_criteria", ""),
        ),
        _("Resolution put to the parties."),
    )


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: services.vote_on_resolution(
            actor=_user(request),
            session=session,
            party=_party(request),
            choice=request.POST.get("choice", ""),
            reason=request.POST.get("reason", ""),
        ),
        _("Vote recorded."),
    )


@login_required
@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)
    from deliberation.models import Resolution

    resolution = (
        Resolution.objects.filter(item__session=session, status=Resolution.Status.VOTING)
        .select_related("item__session")
        .first()
    )
    if resolution is None:
        return notice(request, session, _("No resolution is open for votes."), status=409)
    return act(
        request,
        session,
        lambda: services.decide_resolution(actor=_user(request), resolution=resolution),
        _("Vote closed."),
    )


@login_required
@require_POST
def defer(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)  # the rule before the input
    item = _posted_item(request, session)
    target_id = request.POST.get("to_session", "")
    target = get_object_or_404(Session, pk=parse_id(target_id) or 0) if target_id else None
    return act(
        request,
        session,
        lambda: services.defer_item(actor=_user(request), item=item, to_session=target),
        _("Item deferred."),
    )


@login_required
@require_POST
def refer(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)  # the rule before the input
    item = _posted_item(request, session)
    return act(
        request,
        session,
        lambda: services.refer_to_owners_vote(actor=_user(request), item=item),
        _("Item referred to an owners' vote."),
    )


@login_required
@require_POST
def ask(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    response = act(
        request,
        session,
        lambda: services.submit_question(
            actor=_user(request), session=session, text=request.POST.get("text", "")
        ),
        _("Your question is in the chair's queue."),
    )
    if response.status_code == 302:
        return redirect("session-public", session.pk)
    return response


@login_required
@require_POST
def moderate(request: HttpRequest, pk: int, question: int) -> HttpResponse:
    session = _session(request, pk)
    policy.require(request.user, "session.chair", session)  # the rule before the input
    q = get_object_or_404(Question.objects.select_related("session"), session=session, pk=question)
    take_up = request.POST.get("take_up") == "1"
    return act(
        request,
        session,
        lambda: services.moderate_question(actor=_user(request), question=q, take_up=take_up),
        _("Question taken up.") if take_up else _("Question set aside."),
    )


@login_required
@require_POST
def countdown(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    seconds = request.POST.get("seconds", "")
    return act(
        request,
        session,
        lambda: services.start_countdown(
            actor=_user(request),
            session=session,
            party=_party(request),
            seconds=parse_count(seconds, below=10**6) or 0,
        ),
        _("Countdown started."),
    )


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: services.set_attendance(
            actor=_user(request),
            session=session,
            party=_party(request),
            present=request.POST.get("present") == "1",
        ),
        _("Attendance recorded."),
    )


@login_required
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
    response = HttpResponse(record.text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = f'inline; filename="minutes-{session.pk}.txt"'
    return response


@login_required
def minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """Published minutes for everyone following; the draft (editable) for the secretary."""
    session = _session(request, pk)
    policy.require(request.user, "session.follow", session)
    can_manage = policy.can(request.user, "session.manage", session)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied("session.manage")  # before the draft is looked for
    record = _minutes(session)
    if record is None or (record.status != Minutes.Status.PUBLISHED and not can_manage):
        raise Http404
    status = 200
    error = ""
    if request.method == "POST":
        try:
            minutes_services.edit_minutes(
                actor=_user(request), session=session, text=request.POST.get("text", "")
            )
        except ValidationError as exc:
            status, error = 400, " ".join(exc.messages)
        except services.SessionConflict as exc:
            status, error = 409, str(exc)
        else:
            messages.success(request, _("Minutes saved."))
            return redirect("session-minutes", session.pk)
    context: dict[str, Any] = {
        "session": session,
        "minutes": record,
        "can_edit": can_manage and record.status == Minutes.Status.DRAFT,
        "error": error,
    }
    return render(request, "sessions/minutes.html", context, status=status)
