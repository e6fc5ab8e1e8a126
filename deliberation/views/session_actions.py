"""How a session action answers: a notice for htmx, or a redirect with a message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from deliberation.models import Session
from deliberation.services.sessions import SessionConflict

NOTICE_TEMPLATE = "sessions/_notice.html"


def notice(request: HttpRequest, session: Session, text: str, *, status: int = 200) -> HttpResponse:
    if request.headers.get("HX-Request"):
        return render(
            request,
            NOTICE_TEMPLATE,
            {"notice": text, "error": status >= 400},
            status=status,
        )
    if status >= 400:  # keep the status visible to non-htmx clients too
        return render(request, NOTICE_TEMPLATE, {"notice": text, "error": True}, status=status)
    messages.success(request, text)
    return redirect("session-room", session.pk)


def act(
    request: HttpRequest, session: Session, action: Callable[[], Any], done: str
) -> HttpResponse:
    """Run a service call; map refusals to 400/403/409 with a clear message."""
    try:
        action()
    except ValidationError as exc:
        return notice(request, session, " ".join(exc.messages), status=400)
    except SessionConflict as exc:
        return notice(request, session, str(exc), status=409)
    except PermissionDenied:
        return notice(request, session, _("You may not do this."), status=403)
    return notice(request, session, done)
