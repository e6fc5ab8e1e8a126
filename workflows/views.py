"""Views that move a session's process: convene, reply to an invitation, open, end, publish.

They live here, not in ``deliberation.views``, because the domain never imports workflows.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import only_ids, parse_id
from deliberation.models import Compound, Invitation, Organization, Session, User
from deliberation.selectors.places import compounds_visible_to
from deliberation.selectors.sessions import issues_awaiting_session, sessions_with_people
from deliberation.services.sessions import SessionConflict
from deliberation.views.session_actions import act
from workflows import sessions as flow


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _session(request: HttpRequest, pk: int) -> Session:
    """The session, or 404 alike for a missing id and one the user may not know of."""
    return policy.visible_or_404(request.user, get_object_or_404(sessions_with_people(), pk=pk))


@login_required
def convene(request: HttpRequest) -> HttpResponse:
    """The secretary convenes: title, time, place or link, compound and agenda topics."""
    compounds = [
        c
        for c in compounds_visible_to(request.user)
        if policy.can(request.user, "session.convene", c)
    ]
    if not compounds:
        raise PermissionDenied("session.convene")
    organizations = list(
        Organization.objects.filter(
            memberships__user=_user(request),
            memberships__active=True,
            kind__in=[Organization.Kind.PARTY_COMMITTEE, Organization.Kind.RESIDENTS_COMMITTEE],
        ).distinct()
    )
    waiting = issues_awaiting_session(None, compounds)
    errors: list[str] = []
    data = request.POST if request.method == "POST" else None
    if data is not None:
        wanted = data.get("compound", "")
        compound = next((c for c in compounds if str(c.pk) == wanted), None)
        wanted_id = parse_id(wanted)
        if compound is None and wanted_id and Compound.objects.filter(pk=wanted_id).exists():
            # A compound the user may not convene for (e.g. another community's): refused,
            # not a form error (issue 5: the permission matrix).
            raise PermissionDenied("session.convene")
        organization = next(
            (o for o in organizations if str(o.pk) == data.get("organization")), None
        )
        starts_at = None
        try:
            starts_at = timezone.make_aware(datetime.fromisoformat(data.get("starts_at", "")))
        except ValueError:
            errors.append(_("Give a valid date and time."))
        title = data.get("title", "").strip()
        if not title or len(title) > 200:
            errors.append(_("Give a title (at most 200 characters)."))
        if compound is None or organization is None:
            errors.append(_("Choose the compound and the organization convening."))
        agenda: list[dict[str, object]] = [
            {"title": line.strip()} for line in data.get("agenda", "").splitlines() if line.strip()
        ]
        picked = set(only_ids(data.getlist("issues")))
        agenda += [
            # A topic is one line; a description may have several.
            {"title": " ".join(issue.description.split())[:60], "issues": [issue]}
            for issue in waiting
            if issue.pk in picked and compound is not None and issue.compound_id == compound.pk
        ]
        rule = data.get("adoption_rule", Session.AdoptionRule.NO_OBJECTION)
        if rule not in Session.AdoptionRule.values:
            errors.append(_("Choose an adoption rule."))
        if not errors and compound is not None and organization is not None and starts_at:
            try:
                session = flow.start(
                    convener=_user(request),
                    organization=organization,
                    compounds=[compound],
                    title=title,
                    starts_at=starts_at,
                    place=data.get("place", ""),
                    online_link=data.get("online_link", ""),
                    agenda=agenda,
                    adoption_rule=rule,
                )
            except ValidationError as exc:
                errors.extend(exc.messages)
            else:
                return redirect("session-room", session.pk)
    context = {
        "compounds": compounds,
        "organizations": organizations,
        "rules": Session.AdoptionRule.choices,
        "waiting": waiting,
        "errors": errors,
        "data": data or {},
    }
    return render(request, "sessions/convene.html", context, status=400 if errors else 200)


@login_required
@require_POST
def reply(request: HttpRequest, pk: int, party: str) -> HttpResponse:
    session = _session(request, pk)
    invitation = get_object_or_404(
        Invitation.objects.select_related("session"), session=session, party=party
    )
    attending = request.POST.get("attending") == "1"
    return act(
        request,
        session,
        lambda: flow.reply(actor=_user(request), invitation=invitation, attending=attending),
        _("Attendance confirmed.") if attending else _("Invitation declined."),
    )


@login_required
@require_POST
def open_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: flow.open_session(actor=_user(request), session=session),
        _("The session is open."),
    )


@login_required
@require_POST
def end_session(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: flow.end_session(actor=_user(request), session=session),
        _("The session has ended; the minutes are drafted."),
    )


@login_required
@require_POST
def publish_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return act(
        request,
        session,
        lambda: flow.publish_minutes(actor=_user(request), session=session),
        _("Minutes published to the residents."),
    )


__all__ = ["Compound", "SessionConflict", "convene", "end_session", "open_session", "reply"]
