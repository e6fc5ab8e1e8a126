"""Issue pages: report (resident, staff), list, the live status page, photos.

Triage steps are actions (``deliberation.actions.issues``), posted to the one action URL.
Reporting is a form page of its own: there is no issue yet to take an action on, so its
view validates, calls ``services.issues.report_issue`` (which tells the committees' task
lists to refresh) and answers in the shared error model (``InvalidInput`` → 400 at the
field).
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet, prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.ids import parse_id
from deliberation.issue_forms import ReportForm
from deliberation.lists import paged
from deliberation.lists.issues import IssueFilters
from deliberation.live.topics import topic
from deliberation.models import Compound, Issue, IssuePhoto, Unit, WorkOrder
from deliberation.photos import photo_response
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS
from deliberation.selectors.issues import issue_detail as load_issue
from deliberation.selectors.issues import issues_visible_to, triage_due, with_sla
from deliberation.selectors.job_card import completion_photos, issue_reporter_contact
from deliberation.selectors.public_status import status_token
from deliberation.services.conflicts import Conflict
from deliberation.services.idempotency import create_once
from deliberation.services.issues import report_issue, triage_organizations

from .live import live_context


def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    """409: the thing moved on; say so plainly."""
    return render(request, "issues/conflict.html", {"message": str(exc)}, status=409)


# --- reporting -------------------------------------------------------------------------------


def _report_compounds(user: Any, *, staff: bool) -> QuerySet[Compound]:
    p = load_principal(user)
    qs = Compound.objects.order_by("name")
    if staff:
        if p.is_subdistrict:
            return qs
        served = [c for c in p.served_compounds if p.serves(c, *COMMUNITY_KINDS)]
        return qs.filter(pk__in=served)
    if p.is_subdistrict:
        return qs
    return qs.filter(pk__in=set(p.home_compounds) | set(p.served_compounds))


def _require_compound_allowed(request: HttpRequest, *, staff: bool) -> None:
    """A posted compound the user may not report on (or enter for) is a 403, not a form
    error: the rule is ``issue.report`` / ``issue.enter``, not the choices offered."""
    compound_id = parse_id(request.POST.get("compound"))
    if compound_id is None:
        return  # empty or malformed: the form says so (400)
    target = Compound.objects.filter(pk=compound_id).first()
    rule = "issue.enter" if staff else "issue.report"
    if target is not None and not policy.can(request.user, rule, target):
        raise PermissionDenied


def _report(request: HttpRequest, *, staff: bool) -> HttpResponse:
    compounds = _report_compounds(request.user, staff=staff)
    if staff and not compounds.exists():
        raise PermissionDenied  # staff entry is for the committees (and the subdistrict)
    if request.method == "POST":
        _require_compound_allowed(request, staff=staff)
        form = ReportForm(request.POST, request.FILES, compounds=compounds, staff=staff)
        if form.is_valid():
            d = form.cleaned_data
            try:
                issue_id, created = create_once(
                    scope=f"issue.report:{request.user.pk}",
                    key=d["submission"],
                    create=lambda: report_issue(
                        actor=request.user,  # type: ignore[arg-type]
                        channel=d["channel"] if staff else Issue.Channel.WEB,
                        description=d["description"],
                        compound=d["compound"],
                        building=d["building"],
                        unit=d["unit"],
                        location_text=d["location_text"],
                        category=d["category"],
                        urgency=d["urgency"],
                        photos=d["photos"],
                        reporter_name=d.get("reporter_name", ""),
                        reporter_phone=d.get("reporter_phone", ""),
                    ),
                )
            except InvalidInput as exc:  # the one error model: each message at its field
                for field, errors in (exc.fields or {"__all__": [str(exc)]}).items():
                    for error in errors:
                        form.add_error(None if field not in form.fields else field, error)
            else:
                if created:
                    messages.success(request, _received(issue_id))
                else:
                    messages.info(
                        request,
                        _("This report was already received as issue #%(id)s; here it is.")
                        % {"id": issue_id},
                    )
                return redirect("issue-detail", issue_id)
        status = 400
    else:
        p = load_principal(request.user)
        initial: dict[str, Any] = {"submission": secrets.token_urlsafe(24)}
        home = None if staff else _home_unit(p.home_units, compounds)
        homes = [c for c in compounds if c.pk in p.home_compounds]
        if home is not None:  # where the resident lives: most reports are about it
            initial.update(
                compound=home.building.compound_id,
                building=home.building_id,
                unit_number=home.number,
            )
        elif homes:
            initial["compound"] = homes[0].pk
        elif staff and compounds:
            initial["compound"] = compounds[0].pk
        form = ReportForm(initial=initial, compounds=compounds, staff=staff)
        status = 200
    return render(request, "issues/report.html", {"form": form, "staff": staff}, status=status)


def _received(issue_id: int) -> str:
    """What the reporter reads once it is in: its number, who answers and by when (the
    SLA's respond-within for its category and urgency, docs/law.md §6)."""
    issue = with_sla(Issue.objects.select_related("compound")).get(pk=issue_id)
    committees = triage_organizations(issue.compound)
    return _(
        "Received as issue #%(id)s; %(who)s will deal with it by %(time)s. You can follow it here."
    ) % {
        "id": issue.pk,
        "who": committees[0].name if committees else _("the subdistrict office"),
        "time": date_format(timezone.localtime(triage_due(issue)), "SHORT_DATETIME_FORMAT"),
    }


def _home_unit(unit_ids: frozenset[int], compounds: QuerySet[Compound]) -> Unit | None:
    """The resident's home (their first residency) among the compounds they may report on."""
    if not unit_ids:
        return None
    return (
        Unit.objects.filter(pk__in=unit_ids, building__compound__in=compounds)
        .select_related("building")
        .order_by("pk")
        .first()
    )


@login_required
def report(request: HttpRequest) -> HttpResponse:
    """The resident's mobile form."""
    return _report(request, staff=False)


@login_required
def enter(request: HttpRequest) -> HttpResponse:
    """Staff entry: phone, walk-in, inspection, proactive (未诉先办)."""
    return _report(request, staff=True)


# --- seeing ----------------------------------------------------------------------------------


@login_required
@require_safe
def issue_list(request: HttpRequest) -> HttpResponse:
    """What the user may see, searched, filtered and paged (``deliberation.lists``);
    ``?mine=1`` is the resident's "my reports"."""
    listing = paged(request, issues_visible_to(request.user), IssueFilters)
    issues = listing.rows
    for issue in issues:
        issue.shown_where = _shown_where(request, issue)  # type: ignore[attr-defined]
    context = {"list": listing, "issues": issues, "list_id": "issues"}
    return render(request, "issues/list.html", context, status=listing.status)


def _shown_where(request: HttpRequest, issue: Issue) -> str:
    """Where the issue is, with the unit number only for those who may see it."""
    if policy.can(request.user, "issue.view_unit", issue):
        return issue.where
    return issue.public_where


def _rate_context(request: HttpRequest, issue: Issue, orders: list[WorkOrder]) -> dict[str, Any]:
    verified = [o for o in orders if o.status == WorkOrder.Status.VERIFIED]
    order = verified[-1] if verified else None
    can_rate = (
        order is not None
        and policy.can(request.user, "issue.rate", issue)
        and policy.can(request.user, "work_order.confirm", order)
    )
    return {"rate_order": order if can_rate else None}


def _detail(request: HttpRequest, issue: Issue) -> HttpResponse:
    staff = policy.can(request.user, "issue.view_staff", issue)
    topics = [topic("issue", issue.pk, "public"), topic("user", request.user.pk, "home")]  # type: ignore[arg-type]
    if staff:  # the triage controls refetch on the staff topic (deliberation.actions.issues)
        topics.append(topic("issue", issue.pk, "staff"))
    ordered = WorkOrder.objects.select_related("responsible").order_by("id")
    prefetch_related_objects([issue], Prefetch("work_orders", queryset=ordered))
    orders = list(issue.work_orders.all())  # the contact rule reads them too
    for order in orders:
        order.issue = issue  # the rating rule reads the reporter
    contact = None
    if staff:
        unmasked = policy.can(request.user, "issue.contact_reporter", issue)
        contact = issue_reporter_contact(issue, unmasked=unmasked)
    context: dict[str, Any] = {
        "issue": issue,
        "shown_where": _shown_where(request, issue),
        "activities": list(issue.activities.all()),
        "staff": staff,
        "contact": contact,
        "photo_ids": getattr(issue, "photo_ids", None) or [],
        "completion_photos": completion_photos(issue, request.user),
        "orders": orders if staff else [],
        **_rate_context(request, issue, orders),
        **_public_link(request, issue),
        **live_context(topics),
    }
    return render(request, "issues/detail.html", context)


def _public_link(request: HttpRequest, issue: Issue) -> dict[str, Any]:
    """The issue's public status link and its QR code, for the reporter (and the committee,
    to hand to someone who reported by phone or in person): views/public.py."""
    if not policy.can(request.user, "issue.share_status", issue):
        return {}
    url = request.build_absolute_uri(reverse("public-issue-status", args=[status_token(issue)]))
    return {"public_status_url": url, "public_status_qr": _qr(url)}


@lru_cache(maxsize=1024)
def _qr(url: str) -> str:
    """The QR code of a link, drawn once per link (a fifth of the issue page's time): a
    pure function of the URL, so a cached one shows nobody anything the URL does not."""
    return str(segno.make(url, error="m").svg_data_uri(scale=4, border=2))


@login_required
@require_safe
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue's status timeline, live. Parties also see the staff record."""
    issue = load_issue(pk)
    if issue is None:
        raise Http404
    policy.visible_or_404(request.user, issue)
    return _detail(request, issue)


@login_required
@require_safe
def issue_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = IssuePhoto.objects.select_related("issue").filter(pk=photo_pk, issue_id=pk).first()
    if photo is None:
        raise Http404
    policy.visible_or_404(request.user, photo.issue)
    return photo_response(request, photo.file, photo.content_type)
