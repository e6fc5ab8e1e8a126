"""Reads for inboxes, work order pages and the supervision group's overdue list."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from deliberation.models import (
    Compound,
    Escalation,
    ExtensionRequest,
    Organization,
    WorkOrder,
    WorkOrderNote,
)

INBOX_SIZE = 100


def work_orders_with_parties() -> QuerySet[WorkOrder]:
    return WorkOrder.objects.select_related(
        "responsible", "compound", "issue", "category", "dispatched_by"
    )


def inbox(organization: Organization | int, *, limit: int = INBOX_SIZE) -> list[WorkOrder]:
    """The orders an organization still has to act on, the most urgent deadline first."""
    return list(
        work_orders_with_parties()
        .filter(responsible=organization, status__in=WorkOrder.ACTIVE_STATUSES)
        .order_by("-is_overdue", "respond_by", "id")[:limit]
    )


def awaiting_committee(organization: Organization, *, limit: int = INBOX_SIZE) -> list[WorkOrder]:
    """What a residents' committee must act on: completed orders to verify, pending
    extension requests (annotated through ``pending_extensions``)."""
    if organization.community_id is None:
        return []
    return list(
        work_orders_with_parties()
        .filter(compound__community_id=organization.community_id)
        .filter(status=WorkOrder.Status.COMPLETED)
        .order_by("completed_at", "id")[:limit]
    )


def pending_extensions(
    organization: Organization, *, limit: int = INBOX_SIZE
) -> list[ExtensionRequest]:
    qs = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).select_related(
        "work_order__responsible", "work_order__compound", "requested_by"
    )
    if organization.community_id is not None:
        qs = qs.filter(work_order__compound__community_id=organization.community_id)
    return list(qs.order_by("created_at", "id")[:limit])


def work_order_detail(pk: int) -> WorkOrder | None:
    return (
        work_orders_with_parties()
        .select_related("issue__reporter", "issue__compound")
        .prefetch_related(
            "co_operating",
            Prefetch(
                "notes", queryset=WorkOrderNote.objects.select_related("author", "organization")
            ),
            "notes__evidence",
            Prefetch(
                "extension_requests",
                queryset=ExtensionRequest.objects.select_related("requested_by", "decided_by"),
            ),
            "escalations",
        )
        .filter(pk=pk)
        .first()
    )


def open_escalations(*, limit: int = INBOX_SIZE) -> list[Escalation]:
    """The supervision group's live overdue list."""
    return list(
        Escalation.objects.filter(status=Escalation.Status.OPEN)
        .select_related("work_order__responsible", "work_order__compound", "supervisor")
        .order_by("created_at", "id")[:limit]
    )


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
