"""Where a session is convened: the compounds the person may convene for, each leading to
its ``convene`` step (``POST /compound/<id>/actions/convene/``, declared in
``deliberation.actions.invitations``). Every other step of a session's process (reply,
open, end, publish) is an action too."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from deliberation import policy
from deliberation.selectors.places import compounds_visible_to


@login_required
@require_GET
def convene(request: HttpRequest) -> HttpResponse:
    """One compound: straight to its convene form; several: choose where first."""
    compounds = [
        c
        for c in compounds_visible_to(request.user).order_by("name")
        if policy.can(request.user, "session.convene", c)
    ]
    if not compounds:
        raise PermissionDenied("session.convene")
    if len(compounds) == 1:
        return redirect(reverse("action", args=["compound", compounds[0].pk, "convene"]))
    return render(request, "sessions/convene.html", {"compounds": compounds})
