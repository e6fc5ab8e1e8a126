from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.forms import AnnouncementForm
from deliberation.live.topics import topic
from deliberation.selectors.announcements import recent_announcements
from deliberation.selectors.places import compounds_with_parties, organizations_posting_for
from deliberation.services.announcements import board_context, post_announcement

from .live import live_context


@login_required
def compound_detail(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_object_or_404(compounds_with_parties(), pk=pk)
    policy.require(request.user, "compound.view", compound)
    can_post = policy.can(request.user, "compound.announce", compound)
    context = {
        "compound": compound,
        "announcements": list(recent_announcements(compound)),
        "can_view_register": policy.can(request.user, "register.view", compound),
        "form": AnnouncementForm(organizations=organizations_posting_for(request.user, compound))
        if can_post
        else None,
        **live_context([topic("compound", compound.pk, "public")]),
    }
    return render(request, "compounds/detail.html", context)


@login_required
@require_POST
def announcement_create(request: HttpRequest, pk: int) -> HttpResponse:
    compound = get_object_or_404(compounds_with_parties(), pk=pk)
    policy.require(request.user, "compound.announce", compound)
    form = AnnouncementForm(
        request.POST, organizations=organizations_posting_for(request.user, compound)
    )
    if not form.is_valid():
        return render(
            request,
            "compounds/_announcement_form.html",
            {"compound": compound, "form": form},
            status=400,
        )
    post_announcement(
        author=request.user,  # type: ignore[arg-type]
        organization=form.cleaned_data["organization"],
        compound=compound,
        title=form.cleaned_data["title"],
        body=form.cleaned_data["body"],
    )
    fresh = AnnouncementForm(organizations=organizations_posting_for(request.user, compound))
    return render(
        request,
        "compounds/_announcement_posted.html",
        {**board_context(compound), "form": fresh, "notice": _("Posted.")},
    )
