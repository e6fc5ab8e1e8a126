"""Issue pages: report (resident, staff), list, the live status page, triage, photos."""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.issue_forms import (
    CategoryForm,
    CloseForm,
    DispatchForm,
    DuplicateForm,
    ReportForm,
    SessionForm,
)
from deliberation.live.topics import topic
from deliberation.models import Compound, Issue, IssuePhoto, WorkOrder
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS
from deliberation.selectors.issues import issue_detail as load_issue
from deliberation.selectors.issues import issues_visible_to
from deliberation.selectors.job_card import completion_photos
from deliberation.selectors.work_orders import suggest_responsible
from deliberation.services.conflicts import Conflict
from deliberation.services.idempotency import create_once
from deliberation.services.issues import report_issue, set_category
from workflows import intake

from .live import live_context

LIST_SIZE = 100


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
            if created:
                messages.success(request, _("Received. You can follow it here."))
            else:
                messages.info(request, _("This report was already received; here it is."))
            return redirect("issue-detail", issue_id)
        status = 400
    else:
        p = load_principal(request.user)
        initial: dict[str, Any] = {"submission": secrets.token_urlsafe(24)}
        homes = [c for c in compounds if c.pk in p.home_compounds]
        if homes:
            initial["compound"] = homes[0].pk
        elif staff and compounds:
            initial["compound"] = compounds[0].pk
        form = ReportForm(initial=initial, compounds=compounds, staff=staff)
        status = 200
    return render(request, "issues/report.html", {"form": form, "staff": staff}, status=status)


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
def issue_list(request: HttpRequest) -> HttpResponse:
    issues = list(issues_visible_to(request.user)[:LIST_SIZE])
    for issue in issues:
        issue.shown_where = _shown_where(request, issue)  # type: ignore[attr-defined]
    return render(request, "issues/list.html", {"issues": issues})


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


def _share_organizations(dispatch_form: forms.Form) -> forms.Form:
    """Responsible and co-operating parties offer the same organizations: read them once
    (a ModelChoiceField queries on every render; validation still uses the queryset)."""
    fields = dispatch_form.fields
    responsible = fields["responsible"]
    choices = [(o.pk, str(o)) for o in responsible.queryset]  # type: ignore[attr-defined]
    responsible.choices = [("", responsible.empty_label or ""), *choices]  # type: ignore[attr-defined]
    fields["co_operating"].choices = choices  # type: ignore[attr-defined]
    return dispatch_form


def _triage_forms(issue: Issue, bound: dict[str, forms.Form]) -> dict[str, Any]:
    suggested = suggest_responsible(issue.compound) if issue.compound is not None else None
    return {
        "category_form": bound.get("category")
        or CategoryForm(
            initial={
                "category": issue.category_id,
                "urgency": issue.urgency,
                "compound": issue.compound_id,
            },
            prefix="cat",
        ),
        "dispatch_form": _share_organizations(
            bound.get("dispatch")
            or DispatchForm(
                initial={"responsible": suggested.pk if suggested else None}, prefix="dispatch"
            )
        ),
        "close_form": bound.get("close") or CloseForm(prefix="close"),
        "duplicate_form": bound.get("duplicate") or DuplicateForm(issue=issue, prefix="dup"),
        "session_form": bound.get("session") or SessionForm(prefix="session"),
        "suggested": suggested,
    }


def _detail(
    request: HttpRequest,
    issue: Issue,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    staff = policy.can(request.user, "issue.view_staff", issue)
    topics = [topic("issue", issue.pk, "public"), topic("user", request.user.pk, "home")]  # type: ignore[arg-type]
    if staff:
        topics.append(topic("issue", issue.pk, "staff"))
    can_triage = issue.status == Issue.Status.NEW and policy.can(
        request.user, "issue.triage", issue
    )
    orders = list(issue.work_orders.select_related("responsible").order_by("id"))
    for order in orders:
        order.issue = issue  # the rating rule reads the reporter
    context: dict[str, Any] = {
        "issue": issue,
        "shown_where": _shown_where(request, issue),
        "activities": list(issue.activities.all()),
        "staff": staff,
        "photo_ids": getattr(issue, "photo_ids", None) or [],
        "completion_photos": completion_photos(issue, request.user),
        "orders": orders if staff else [],
        "can_triage": can_triage,
        **_rate_context(request, issue, orders),
        **live_context(topics),
    }
    if can_triage:
        context.update(_triage_forms(issue, bound or {}))
    return render(request, "issues/detail.html", context, status=status)


@login_required
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The issue's status timeline, live. Parties also see the staff record."""
    issue = load_issue(pk)
    if issue is None:
        raise Http404
    policy.visible_or_404(request.user, issue)
    return _detail(request, issue)


@login_required
def issue_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    photo = IssuePhoto.objects.select_related("issue").filter(pk=photo_pk, issue_id=pk).first()
    if photo is None:
        raise Http404
    policy.visible_or_404(request.user, photo.issue)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- triage ----------------------------------------------------------------------------------

TRIAGE_FORMS: dict[str, tuple[type[forms.Form], str]] = {
    "category": (CategoryForm, "cat"),
    "dispatch": (DispatchForm, "dispatch"),
    "close": (CloseForm, "close"),
    "duplicate": (DuplicateForm, "dup"),
    "session": (SessionForm, "session"),
}


@login_required
@require_POST
def triage(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TRIAGE_FORMS:
        raise Http404
    issue = load_issue(pk)
    if issue is None:
        raise Http404
    policy.visible_or_404(request.user, issue)
    policy.require(request.user, "issue.triage", issue)
    form_class, prefix = TRIAGE_FORMS[action]
    extra: dict[str, Any] = {"issue": issue} if form_class is DuplicateForm else {}
    form = form_class(request.POST, prefix=prefix, **extra)
    if not form.is_valid():
        return _detail(request, issue, bound={action: form}, status=400)
    d = form.cleaned_data
    actor = request.user
    try:
        if action == "category":
            set_category(
                issue=issue,
                actor=actor,
                category=d["category"],
                urgency=d["urgency"],
                compound=d["compound"],
            )
        elif action == "dispatch":
            intake.triage(
                issue,
                "dispatch",
                actor=actor,
                responsible=d["responsible"],
                co_operating=list(d["co_operating"]),
                title=d["title"],
                acceptance_criteria=d["acceptance_criteria"],
                staff_note=d["staff_note"],
            )
        elif action == "close":
            intake.triage(
                issue,
                "close",
                actor=actor,
                reason=d["reason"],
                public_text=d["public_text"],
                staff_note=d["staff_note"],
            )
        elif action == "duplicate":
            intake.triage(
                issue, "duplicate", actor=actor, duplicate_of=d["duplicate_of"], note=d["note"]
            )
        else:
            intake.triage(issue, "session", actor=actor, public_text=d["public_text"])
    except Conflict as exc:
        return conflict(request, exc)
    messages.success(request, _("Done."))
    return redirect("issue-detail", issue.pk)
