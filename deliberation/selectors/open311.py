"""Open311 reads: the public projection of issues, in a fixed number of queries."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from deliberation.models import Issue, IssueActivity, WorkOrder


def public_requests() -> QuerySet[Issue]:
    """Issues with a place, with what GET requests.json shows: category, compound and
    building (no unit: that would point at a household), the party, the latest public step
    and the current order's resolve-by. One query for any number of rows."""
    latest_public = (
        IssueActivity.objects.filter(issue=OuterRef("pk"))
        .exclude(public_text="")
        .order_by("-created_at", "-id")
        .values("public_text")[:1]
    )
    expected = (
        WorkOrder.objects.filter(issue=OuterRef("pk"), status__in=WorkOrder.ACTIVE_STATUSES)
        .order_by("-created_at", "-id")
        .values("resolve_by")[:1]
    )
    return (
        Issue.objects.filter(compound__isnull=False)
        .select_related(
            "category",
            "compound__community__residents_committee",
            "building",
            "responsible",
            "open311",
        )
        .annotate(status_notes=Subquery(latest_public), expected_at=Subquery(expected))
        .order_by("-created_at", "-id")
    )
