from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from deliberation import policy
from deliberation.live.topics import topic
from deliberation.models import Organization
from deliberation.policy import load_principal
from deliberation.selectors.announcements import recent_announcements
from deliberation.selectors.places import compounds_visible_to

from .live import live_context

#: Where the subject of a process (its ``artifact``) is handled, by model name.
ARTIFACT_PAGES = {
    "issue": "issue-detail",
    "workorder": "work-order-detail",
    "ownersvote": "vote-detail",
    "session": "session-room",
}


def _artifact_url(process: Any) -> str:
    ct = process.artifact_content_type
    page = ARTIFACT_PAGES.get(ct.model) if ct else None
    return reverse(page, args=[process.artifact_object_id]) if page else ""


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """'My tasks' for party staff, 'my compound' for residents."""
    p = load_principal(request.user)
    user_id: int = request.user.pk  # type: ignore[assignment]  # login_required
    if p.is_party_staff:
        tasks = [
            (task, task.process.artifact, _artifact_url(task.process))
            for task in Task.objects.filter(owner=request.user, status=STATUS.ASSIGNED)
            .select_related("process__artifact_content_type")
            .prefetch_related("process__artifact")
            .order_by("-created")[:50]
        ]
        organizations = Organization.objects.filter(pk__in=list(p.org_kinds)).order_by("kind")
        context = {
            "tasks": tasks,
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
