"""Work order pages: the parties' live inbox, the order page, evidence. Every step on an
order is an action (``deliberation/actions/work_orders.py``) taken through the one action
endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.ids import parse_id
from deliberation.lists import paged
from deliberation.lists.inbox import (
    EXTENSIONS,
    ORDERS,
    SECTIONS,
    SUPERVISED,
    TRIAGE,
    VERIFY,
    Section,
    section_context,
)
from deliberation.lists.work_orders import WorkOrderFilters
from deliberation.live.topics import topic
from deliberation.models import Organization, WorkOrder, WorkOrderEvidence
from deliberation.photos import photo_response
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS
from deliberation.selectors.job_card import reporter_contact
from deliberation.selectors.work_orders import work_order_detail as load_order
from deliberation.selectors.work_orders import work_orders_visible_to

from .live import live_context

W = WorkOrder.Status
K = Organization.Kind


# --- the inbox -------------------------------------------------------------------------------


def _sections(user: Any, org: Organization) -> list[Section]:
    """The filtered, paged sections of an organization's inbox the user may see (who may
    open the inbox at all is ``work_order.inbox``): its open orders; a community
    organization's triage queue for those who triage there; a residents' committee's
    orders to verify and extension requests to decide; the supervision group's overdue
    list for those who supervise."""
    sections: list[Section] = []
    community = org.kind in (K.RESIDENTS_COMMITTEE, K.SUBDISTRICT_OFFICE)
    if community and policy.can(user, "issue.triage_queue", org):
        sections.append(TRIAGE)
    if org.kind == K.RESIDENTS_COMMITTEE:
        sections += [VERIFY, EXTENSIONS]
    if org.kind == K.SUPERVISION_GROUP and policy.can(user, "escalation.list", None):
        sections.append(SUPERVISED)
    return [*sections, ORDERS]


@login_required
@require_safe
def inbox_page(request: HttpRequest) -> HttpResponse:
    """Everything the user's organizations must act on, live: work orders; for a residents'
    committee its triage queue, the orders it must verify and the extensions it must decide;
    for the supervision group the overdue list. Each is a list (``deliberation.lists.inbox``),
    searched, filtered and paged on its own, all on one page: an inbox is what is waiting,
    seen at once."""
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
    status = 200
    for org in orgs:
        section: dict[str, Any] = {"organization": org}
        for kind in _sections(user, org):
            section[kind.key] = section_context(kind, org, request)
            status = max(status, section[kind.key]["list"].status)
        sections.append(section)
    context = {
        "sections": sections,
        "can_enter": p.is_subdistrict or bool(p.orgs_of_kind(*COMMUNITY_KINDS)),
        **live_context([topic("org", s["organization"].pk, "inbox") for s in sections]),
    }
    return render(request, "work_orders/inbox.html", context, status=status)


@login_required
@require_safe
def inbox_section(request: HttpRequest, org: int, section: str) -> HttpResponse:
    """One inbox section's live part as the page's query string asks: what an open inbox
    with filters or another page fetches when a push says the section changed
    (``data-keep-query``)."""
    organization = Organization.objects.filter(pk=org).first()
    kind = SECTIONS.get(section)
    if organization is None or kind is None:
        raise Http404
    policy.require(request.user, "work_order.inbox", organization)
    if kind is TRIAGE:
        policy.require(request.user, "issue.triage_queue", organization)
    if kind is SUPERVISED:
        policy.require(request.user, "escalation.list", None)
    if kind not in _sections(request.user, organization):
        raise Http404
    context = section_context(kind, organization, request)
    return render(request, kind.template, context, status=context["list"].status)


# --- every order the user may open ----------------------------------------------------------


@login_required
@require_safe
def work_order_list(request: HttpRequest) -> HttpResponse:
    """Every order the user may open, searched, filtered and paged (``deliberation.lists``):
    the inbox shows what is still to do, this finds any order again."""
    if not load_principal(request.user).is_party_staff:
        return redirect("issue-list")  # residents follow their issues there
    listing = paged(request, work_orders_visible_to(request.user), WorkOrderFilters)
    context = {"list": listing, "list_id": "work-orders", "orders": listing.rows}
    return render(request, "work_orders/list.html", context, status=listing.status)


# --- the order page --------------------------------------------------------------------------


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


@login_required
@require_safe
def work_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The order, its history and each person's next steps (``{% controls %}`` of the
    order, its pending extension request and its open escalations, refetched live on
    ``work_order:<id>:staff``)."""
    order = load_order(pk)
    if order is None:
        raise Http404
    policy.visible_or_404(request.user, order)
    policy.require(request.user, "work_order.view", order)
    context = {
        "order": order,
        **_job_card(request, order),
        **live_context([topic("work_order", order.pk, "staff")]),
    }
    return render(request, "work_orders/detail.html", context)


@login_required
@require_safe
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
    return photo_response(request, evidence.file, evidence.content_type)
