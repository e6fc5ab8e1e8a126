from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.live.topics import topic
from deliberation.models import Organization
from deliberation.policy import load_principal
from deliberation.selectors.announcements import recent_announcements
from deliberation.selectors.places import compounds_visible_to

from .live import live_context


@login_required
@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """'My tasks' for party staff, 'my compound' for residents; both with the person's task
    list (``{% task_list %}``), refetched live on ``user:<id>:home`` and their
    organizations' ``org:<id>:inbox``."""
    p = load_principal(request.user)
    user_id: int = request.user.pk  # type: ignore[assignment]  # login_required
    if p.is_party_staff:
        organizations = Organization.objects.filter(pk__in=list(p.org_kinds)).order_by("kind")
        context = {
            "organizations": organizations,
            "compounds": compounds_visible_to(request.user),
            "can_import_hotline": policy.can(request.user, "hotline.import"),
            "can_view_indicators": policy.can(request.user, "indicators.view"),
            **live_context(
                [topic("user", user_id, "home")] + [topic("org", o, "inbox") for o in p.org_kinds]
            ),
        }
        return render(request, "home/staff.html", context)

    compounds = list(compounds_visible_to(request.user))
    compound = compounds[0] if compounds else None
    context = {
        "compound": compound,
        "other_compounds": compounds[1:],
        "announcements": list(recent_announcements(compound)) if compound else [],
        **live_context(
            [topic("user", user_id, "home")]
            + ([topic("compound", compound.pk, "public")] if compound else [])
        ),
    }
    return render(request, "home/resident.html", context)
