"""Issue pages: the live status page, photos."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from deliberation import policy
from deliberation.live.topics import topic
from deliberation.models import IssuePhoto
from deliberation.selectors.issues import issue_detail as load_issue

from .live import live_context


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue's status timeline, live. Parties also see the staff record."""
    issue = load_issue(pk)
    if issue is None:
        raise Http404
    policy.require(request.user, "issue.view", issue)
    staff = policy.can(request.user, "issue.view_staff", issue)
    activities = list(issue.activities.all())
    topics = [topic("issue", issue.pk, "public")]
    if staff:
        topics.append(topic("issue", issue.pk, "staff"))
    context = {
        "issue": issue,
        "activities": activities,
        "staff": staff,
        "photos": list(issue.photos.all()),
        "is_reporter": issue.reporter_id == request.user.pk,
        **live_context(topics),
    }
    return render(request, "issues/detail.html", context)


@login_required
def issue_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = IssuePhoto.objects.select_related("issue").filter(pk=photo_pk, issue_id=pk).first()
    if photo is None:
        raise Http404
    policy.require(request.user, "issue.view", photo.issue)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
