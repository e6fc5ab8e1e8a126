"""Reads for inboxes, work order pages and the supervision group's overdue list."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from deliberation.models import (
    Compound,
    Escalation,
    ExtensionRequest,
    IssuePhoto,
    Organization,
    WorkOrder,
    WorkOrderNote,
)
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS, OWNER_BODY_KINDS

from .job_card import job_history
from .portable import array_subquery


def work_orders_with_parties() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(
        "responsible", "compound", "issue", "category", "dispatched_by"
    )


def work_orders_visible_to(user: Any) -> QuerySet[WorkOrder]:
    """Every order the user may open (the ``work_order.view`` rule as a query), newest
    first: all for the subdistrict; a party's own and those it co-operates on; the
    committees' and owners' bodies' of the compounds they serve."""
    p = load_principal(user)
    qs = work_orders_with_parties().order_by("-created_at", "-id")
    if p.is_subdistrict:
        return qs
    orgs = list(p.org_kinds)
    kinds = (*COMMUNITY_KINDS, *OWNER_BODY_KINDS)
    served = [c for c in p.served_compounds if p.serves(c, *kinds)]
    # Two indexed arms united, not one OR with an EXISTS: PostgreSQL cannot use an index
    # for ``responsible IN … OR EXISTS (…)`` and read every order of the district to count
    # a firm's list (docs/scaling.md).
    own = WorkOrder.objects.filter(Q(responsible_id__in=orgs) | Q(compound_id__in=served))
    helping = WorkOrder.co_operating.through.objects.filter(organization_id__in=orgs)
    visible = own.order_by().values("pk").union(helping.order_by().values("workorder_id"))
    return qs.filter(pk__in=visible)


def open_orders(organization: Organization | int) -> QuerySet[WorkOrder]:
    """The orders an organization still has to act on, the most urgent deadline first (the
    inbox's section, filtered and paged by ``deliberation.lists.inbox``)."""
    return (
        WorkOrder.objects.select_related("compound", "category")  # what the rows show
        .filter(responsible=organization, status__in=WorkOrder.ACTIVE_STATUSES)
        .order_by("-is_overdue", "respond_by", "id")
    )


def to_verify(organization: Organization) -> QuerySet[WorkOrder]:
    """A residents' committee's orders to verify: those completed in its community, the
    longest waiting first (the inbox's section, filtered and paged by
    ``deliberation.lists.inbox``)."""
    community_id = organization.community_id
    if community_id is None:
        return WorkOrder.objects.none()
    return (
        WorkOrder.objects.select_related("responsible", "compound", "category")  # the rows'
        .filter(compound__community_id=community_id, status=WorkOrder.Status.COMPLETED)
        .order_by("completed_at", "id")
    )


def extension_requests(organization: Organization) -> QuerySet[ExtensionRequest]:
    """A residents' committee's extension requests to decide: the pending ones on orders in
    its community, the oldest first (an inbox section, ``deliberation.lists.inbox``)."""
    community_id = organization.community_id
    if community_id is None:
        return ExtensionRequest.objects.none()
    return (
        ExtensionRequest.objects.filter(
            status=ExtensionRequest.Status.PENDING,
            work_order__compound__community_id=community_id,
        )
        .select_related("work_order__responsible", "work_order__compound", "requested_by")
        .order_by("created_at", "id")
    )


def _with_history(orders: QuerySet[WorkOrder]) -> QuerySet[WorkOrder]:
    """What an order's history and lists below it read: parties, notes with their evidence,
    extension requests, escalations."""
    return orders.prefetch_related(
        "co_operating",
        Prefetch("notes", queryset=WorkOrderNote.objects.select_related("author", "organization")),
        "notes__evidence",
        Prefetch(
            "extension_requests",
            queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
        ),
        Prefetch(
            "escalations",
            queryset=Escalation.objects.select_related("supervisor", "handled_by"),
        ),
    )


def work_order_detail(pk: int) -> WorkOrder | None:
    """One order with everything its page and pushed fragment show; ``history`` holds its
    steps oldest first (``job_card.job_history``), ``issue_photo_ids`` the ids of the
    resident's photos."""
    photos = IssuePhoto.objects.filter(issue=OuterRef("issue_id")).order_by("id").values("id")
    order = (
        _with_history(
            work_orders_with_parties()
            .select_related("issue__reporter", "issue__compound", "issue__building", "issue__unit")
            .annotate(issue_photo_ids=array_subquery(photos))
        )
        .filter(pk=pk)
        .first()
    )
    if order is not None:
        order.history = job_history(order)  # type: ignore[attr-defined]
    return order


def work_order_fragment(pk: int) -> WorkOrder | None:
    """One order as its pushed fragment (``work_orders/_detail.html``) shows it: the page's
    read without the issue's reporter, place and photos, which only the page's job card
    shows (per viewer). Four joins instead of ten: PostgreSQL took longer to plan the
    page's query (~5–10 ms) than to run it, once per work-order step."""
    order = (
        _with_history(
            WorkOrder.objects.select_related("responsible", "compound", "category", "dispatched_by")
        )
        .filter(pk=pk)
        .first()
    )
    if order is not None:
        order.history = job_history(order)  # type: ignore[attr-defined]
    return order


def supervised(supervisor: Organization | int) -> QuerySet[WorkOrder]:
    """The supervision group's live overdue list: every order it was escalated that is not
    done yet, with each escalation and follow-up (``escalations``, oldest first); filtered
    and paged as an inbox section (``deliberation.lists.inbox``).

    An order stays while the party still has to act and it is overdue or an escalation waits
    for a follow-up; a follow-up alone no longer takes it off the list. It leaves when the
    work is reported done, sent back or cancelled, or a granted extension puts it on time."""
    escalated = Escalation.objects.filter(work_order=OuterRef("pk"), supervisor=supervisor)
    waiting = escalated.filter(status=Escalation.Status.OPEN)
    return (
        WorkOrder.objects.filter(Exists(escalated), status__in=WorkOrder.ACTIVE_STATUSES)
        .filter(Q(is_overdue=True) | Exists(waiting))
        .select_related("responsible", "compound", "category")
        .prefetch_related(
            Prefetch(
                "escalations",
                queryset=Escalation.objects.filter(supervisor=supervisor)
                .select_related("handled_by")
                .order_by("created_at", "id"),
            )
        )
        .order_by("overdue_at", "id")
    )


def escalations_with_orders() -> QuerySet[Escalation]:
    """Every escalation, newest first, with what its history row shows (one query a page;
    ``deliberation.lists.escalations`` filters it)."""
    return Escalation.objects.select_related(
        "work_order__responsible", "work_order__compound", "supervisor", "handled_by"
    ).order_by("-created_at", "-id")


def suggest_responsible(compound: Compound) -> Organization | None:
    """Who should do the work, from the compound's category and management mode.

    District public housing → the housing office; self-managed central-state property →
    its property-rights unit; a market firm → that firm (all recorded as the compound's
    ``property_provider``); no property service → the residents' committee of its community
    (the subdistrict stands behind it).
    """
    if compound.management_mode != Compound.ManagementMode.NONE and compound.property_provider_id:
        return compound.property_provider
    return compound.community.residents_committee


def supervision_group_for(compound: Compound | None) -> Organization | None:
    qs = Organization.objects.filter(kind=Organization.Kind.SUPERVISION_GROUP)
    if compound is not None:
        qs = qs.filter(subdistrict_id=compound.community.subdistrict_id)
    return qs.order_by("id").first()
