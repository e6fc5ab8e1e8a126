"""Work order pages: the parties' live inbox, the order page and its actions, evidence."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.issue_forms import (
    ConfirmForm,
    DecideExtensionForm,
    EscalationForm,
    ExtensionForm,
    SendBackForm,
    VerifyForm,
    WorkNoteForm,
)
from deliberation.live.topics import topic
from deliberation.models import (
    Escalation,
    ExtensionRequest,
    Organization,
    WorkOrder,
    WorkOrderEvidence,
)
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS
from deliberation.selectors.issues import triage_queue
from deliberation.selectors.job_card import reporter_contact
from deliberation.selectors.work_orders import (
    awaiting_committee,
    inbox,
    pending_extensions,
    supervised_orders,
)
from deliberation.selectors.work_orders import work_order_detail as load_order
from deliberation.services import work_orders as services
from deliberation.services.conflicts import Conflict
from workflows import escalations
from workflows import work_orders as flow

from .issues import conflict
from .live import live_context

W = WorkOrder.Status
K = Organization.Kind


# --- the inbox -------------------------------------------------------------------------------


@login_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    """Everything the user's organizations must act on, live: work orders; for a residents'
    committee its triage queue and what it must verify or decide; for the supervision group
    the overdue list."""
    user = request.user
    p = load_principal(user)
    wanted = request.GET.get("org", "")
    if wanted:
        # One organization's inbox: its members', and any for the subdistrict, which
        # oversees every party (``work_order.inbox``).
        org_id = parse_id(wanted)
        org = Organization.objects.filter(pk=org_id).first() if org_id else None
        if org is None:
            raise Http404
        policy.require(user, "work_order.inbox", org)
        orgs = [org]
    elif not p.org_kinds:
        return redirect("issue-list")  # residents follow their issues there
    else:
        orgs = list(Organization.objects.filter(pk__in=list(p.org_kinds)).order_by("kind", "id"))
    sections: list[dict[str, Any]] = []
    for org in orgs:
        section: dict[str, Any] = {"organization": org, "orders": inbox(org)}
        community = org.kind in (K.RESIDENTS_COMMITTEE, K.SUBDISTRICT_OFFICE)
        if community and policy.can(user, "issue.triage_queue", org):
            section["triage"] = triage_queue(org)
        if org.kind == K.RESIDENTS_COMMITTEE:
            section["to_verify"] = awaiting_committee(org)
            section["extensions"] = pending_extensions(org)
        if org.kind == K.SUPERVISION_GROUP and policy.can(user, "escalation.list", None):
            section["supervised"] = supervised_orders(org)
        sections.append(section)
    context = {
        "sections": sections,
        "can_enter": p.is_subdistrict or bool(p.orgs_of_kind(*COMMUNITY_KINDS)),
        **live_context([topic("org", s["organization"].pk, "inbox") for s in sections]),
    }
    return render(request, "work_orders/inbox.html", context)


# --- the order page --------------------------------------------------------------------------


def _forms(order: WorkOrder, bound: dict[str, forms.Form]) -> dict[str, forms.Form]:
    return {
        "send_back_form": bound.get("send_back") or SendBackForm(prefix="back"),
        "progress_form": bound.get("progress") or WorkNoteForm(prefix="progress"),
        "complete_form": bound.get("complete") or WorkNoteForm(prefix="complete"),
        "extension_form": bound.get("extension") or ExtensionForm(prefix="ext"),
        "verify_form": bound.get("verify") or VerifyForm(prefix="verify"),
        "confirm_form": bound.get("confirm") or ConfirmForm(prefix="confirm"),
        "decide_form": bound.get("decide") or DecideExtensionForm(prefix="decide"),
        "escalation_form": bound.get("escalation") or EscalationForm(prefix="esc"),
    }


def _has_actions(order: WorkOrder, may: dict[str, bool], pending: bool, escs: bool) -> bool:
    """Whether ``_actions.html`` would offer anything (no empty "Actions" card once done)."""
    no_reporter = order.issue is None or not order.issue.reporter_id  # the committee's 回访
    return (
        (may["respond"] and order.is_active)
        or (may["verify"] and order.status == W.COMPLETED)
        or (may["decide"] and pending)
        or (may["confirm"] and order.status == W.VERIFIED and no_reporter)
        or (may["supervise"] and escs)
    )


def _job_card(request: HttpRequest, order: WorkOrder) -> dict[str, Any]:
    """Where the work is, the resident's photos and how to reach the reporter."""
    issue = order.issue if order.issue_id else None
    if issue is None:
        return {"where": order.compound.name, "issue_photo_ids": [], "contact": None}
    user = request.user
    where = issue.where if policy.can(user, "issue.view_unit", issue) else issue.public_where
    photo_ids: list[int] = []
    if policy.can(user, "issue.view", issue):
        photo_ids = list(getattr(order, "issue_photo_ids", None) or [])
    unmasked = policy.can(user, "work_order.contact_reporter", order)
    return {
        "where": where or order.compound.name,
        "issue_photo_ids": photo_ids,
        "contact": reporter_contact(order, unmasked=unmasked),
    }


def _detail(
    request: HttpRequest,
    order: WorkOrder,
    *,
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    may = {
        "respond": policy.can(user, "work_order.respond", order),
        "verify": policy.can(user, "work_order.verify", order),
        "decide": policy.can(user, "work_order.decide_extension", order),
        "confirm": policy.can(user, "work_order.confirm", order),
        "supervise": policy.can(user, "escalation.handle", None),
    }
    pending = [e for e in order.extension_requests.all() if e.status == "pending"]
    open_escs = [e for e in order.escalations.all() if e.status == "open"]
    context = {
        "order": order,
        "may": may,
        "has_actions": _has_actions(order, may, bool(pending), bool(open_escs)),
        "working": order.status in WorkOrder.WORKING_STATUSES,
        "pending_extension": pending[0] if pending else None,
        "open_escalations": open_escs,
        **_job_card(request, order),
        **_forms(order, bound or {}),
        **live_context([topic("work_order", order.pk, "staff")]),
    }
    return render(request, "work_orders/detail.html", context, status=status)


def _load(request: HttpRequest, pk: int) -> WorkOrder:
    """The order, or 404 alike for a missing id and one the user may not know of."""
    order = load_order(pk)
    if order is None:
        raise Http404
    return policy.visible_or_404(request.user, order)


@login_required
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = _load(request, pk)
    policy.require(request.user, "work_order.view", order)
    return _detail(request, order)


# --- actions ---------------------------------------------------------------------------------

ACTIONS: dict[str, tuple[type[forms.Form] | None, str, str]] = {
    # action: (form, prefix, policy rule)
    "accept": (None, "", "work_order.respond"),
    "send_back": (SendBackForm, "back", "work_order.respond"),
    "progress": (WorkNoteForm, "progress", "work_order.respond"),
    "complete": (WorkNoteForm, "complete", "work_order.respond"),
    "extension": (ExtensionForm, "ext", "work_order.respond"),
    "verify": (VerifyForm, "verify", "work_order.verify"),
    "confirm": (ConfirmForm, "confirm", "work_order.confirm"),
}


def _run(request: HttpRequest, order: WorkOrder, action: str, d: dict[str, Any]) -> None:
    actor = request.user
    if action == "accept":
        flow.perform(order, "accept", actor=actor)
    elif action == "send_back":
        flow.perform(order, "send_back", actor=actor, reason=d["reason"])
    elif action == "progress":
        services.add_progress(work_order=order, actor=actor, text=d["text"], photos=d["photos"])
    elif action == "complete":
        flow.perform(order, "complete", actor=actor, text=d["text"], photos=d["photos"])
    elif action == "extension":
        services.request_extension(
            work_order=order, actor=actor, reason=d["reason"], new_resolve_by=d["new_resolve_by"]
        )
    elif action == "verify":
        flow.perform(order, "verify", actor=actor, approved=d["approved"] == "yes", note=d["note"])
    elif action == "confirm":
        flow.perform(
            order,
            "confirm",
            actor=actor,
            fixed=d["fixed"] == "yes",
            rating=d["rating"],
            comment=d["comment"],
        )


@login_required
@require_POST
def work_order_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    order = _load(request, pk)
    form_class, prefix, rule = ACTIONS[action]
    policy.require(request.user, rule, order)
    if action == "confirm" and order.issue_id is not None:
        policy.require(request.user, "issue.rate", order.issue)  # the reporter rates
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=prefix)
        if not form.is_valid():
            if action == "confirm" and request.htmx:  # type: ignore[attr-defined]
                return _rate_fragment(request, order, form, status=400)
            return _detail(request, order, bound={action: form}, status=400)
        data = form.cleaned_data
    try:
        _run(request, order, action, data)
    except Conflict as exc:
        return conflict(request, exc)
    except ValueError as exc:
        messages.error(request, str(exc))
        return _detail(request, order, status=400)
    if action == "confirm":
        if request.htmx:  # type: ignore[attr-defined]
            return _rate_fragment(request, order, None)
        return (
            redirect("issue-detail", order.issue_id)
            if order.issue_id
            else redirect("work-order-detail", order.pk)
        )
    messages.success(request, _("Done."))
    return redirect("work-order-detail", order.pk)


def _rate_fragment(
    request: HttpRequest, order: WorkOrder, form: forms.Form | None, *, status: int = 200
) -> HttpResponse:
    issue = order.issue
    context = {
        "issue": issue,
        "rate_order": order if form is not None else None,
        "confirm_form": form,
        "thanks": form is None,
    }
    return render(request, "issues/_rate.html", context, status=status)


@login_required
@require_POST
def decide_extension(request: HttpRequest, pk: int, extension_pk: int) -> HttpResponse:
    order = _load(request, pk)
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("work_order"), pk=extension_pk, work_order_id=pk
    )
    policy.require(request.user, "work_order.decide_extension", order)
    form = DecideExtensionForm(request.POST, prefix="decide")
    if not form.is_valid():
        return _detail(request, order, bound={"decide": form}, status=400)
    try:
        services.decide_extension(
            extension=extension,
            actor=request.user,
            approve=form.cleaned_data["approve"] == "yes",
            note=form.cleaned_data["note"],
        )
    except Conflict as exc:
        return conflict(request, exc)
    messages.success(request, _("Done."))
    return redirect("work-order-detail", order.pk)


@login_required
@require_POST
def handle_escalation(request: HttpRequest, pk: int, escalation_pk: int) -> HttpResponse:
    order = _load(request, pk)
    escalation = get_object_or_404(Escalation, pk=escalation_pk, work_order_id=pk)
    policy.require(request.user, "escalation.handle", escalation)
    form = EscalationForm(request.POST, prefix="esc")
    if not form.is_valid():
        return _detail(request, order, bound={"escalation": form}, status=400)
    try:
        escalations.handle(escalation, actor=request.user, note=form.cleaned_data["note"])
    except Conflict as exc:
        return conflict(request, exc)
    messages.success(request, _("Done."))
    return redirect("work-order-detail", order.pk)


@login_required
def work_order_evidence(request: HttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """An evidence photo: for whoever may see the order, and the completion photos for the
    reporter too (``work_order.view_evidence``)."""
    evidence = (
        WorkOrderEvidence.objects.select_related("work_order__issue", "note")
        .prefetch_related("work_order__co_operating")
        .filter(pk=evidence_pk, work_order_id=pk)
        .first()
    )
    if evidence is None:
        raise Http404
    policy.visible_or_404(request.user, evidence.work_order)
    policy.require(request.user, "work_order.view_evidence", evidence)
    response = FileResponse(evidence.file.open("rb"), content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
