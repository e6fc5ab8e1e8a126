"""Reads for issue pages and fragments: a fixed number of queries whatever the row count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import DurationField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from deliberation.models import (
    DEFAULT_SLA,
    Issue,
    IssueActivity,
    IssueCategory,
    IssuePhoto,
    Organization,
    SlaPolicy,
    Urgency,
)
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS

from .portable import array_subquery

LIST_SIZE = 100


def issues_with_place() -> QuerySet[Issue]:
    return Issue.objects.select_related(
        "compound", "building", "unit", "category", "reporter", "responsible"
    )


def issue_detail(pk: int) -> Issue | None:
    """One issue with its timeline, its photos' ids (``photo_ids``) and what the triage
    suggestion reads (2 queries)."""
    photos = IssuePhoto.objects.filter(issue=OuterRef("pk")).order_by("id").values("id")
    return (
        with_sla(issues_with_place())
        .select_related("compound__property_provider", "compound__community__residents_committee")
        .annotate(photo_ids=array_subquery(photos))
        .prefetch_related(
            Prefetch(
                "activities",
                queryset=IssueActivity.objects.select_related("actor", "organization"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


def timeline_of(issue: Issue) -> list[IssueActivity]:
    return list(
        issue.activities.select_related("actor", "organization").order_by("created_at", "id")
    )


def waiting_for_triage(organization: Organization | None) -> QuerySet[Issue]:
    """Issues waiting for triage (new, or sent back), oldest first; set each row's clock
    with ``with_respond_by``.

    A community organization's queue holds its community's compounds; any other
    organization's (the subdistrict office's) the issues reported without a compound;
    ``None`` everything.
    """
    # Only what the queue's rows show (place, category, the respond-by clock): each join
    # and subquery more costs PostgreSQL planning time on every push of the queue.
    rows = Issue.objects.select_related("compound", "building", "unit", "category")
    qs = with_sla(rows, resolve=False).filter(status=Issue.Status.NEW).order_by("created_at", "id")
    if organization is not None and organization.kind in COMMUNITY_KINDS:
        qs = qs.filter(Q(compound__community_id=organization.community_id))  # id: no read
    elif organization is not None:
        qs = qs.filter(compound__isnull=True)
    return qs


def triage_committees(compound: Any) -> list[int]:
    """The organizations whose members triage issues of ``compound`` (a Compound, an id or
    None): its community's residents' and Party committees; the subdistrict office for an
    issue reported without a compound (1 query). Their task lists hold "triage this
    report"."""
    if compound is None:
        orgs = Organization.objects.filter(kind=Organization.Kind.SUBDISTRICT_OFFICE)
    else:
        cid = compound if isinstance(compound, int) else compound.pk
        orgs = Organization.objects.filter(community__compounds__pk=cid, kind__in=COMMUNITY_KINDS)
    return list(orgs.order_by("id").values_list("pk", flat=True))


def triage_due(issue: Issue) -> datetime:
    """When an issue waiting for triage should have been answered: reported + the SLA
    policy's respond-within for its category and urgency (docs/law.md §6), as the triage
    queue shows it (``with_sla`` annotations when present)."""
    within = (
        getattr(issue, "sla_respond", None)
        or (DEFAULT_SLA.get(issue.urgency, DEFAULT_SLA[Urgency.ORDINARY])[0])
    )
    return issue.created_at + within


def with_sla(qs: QuerySet[Issue], *, resolve: bool = True) -> QuerySet[Issue]:
    """Annotate the SLA policy's limits for each issue's category and urgency, chosen as
    ``sla_deadlines`` chooses (the category's own, then the general one): in the same query.
    ``resolve=False``: the respond-within only (``sla_respond``)."""

    def limit(field: str) -> Coalesce:
        own = SlaPolicy.objects.filter(category=OuterRef("category"), urgency=OuterRef("urgency"))
        general = SlaPolicy.objects.filter(category__isnull=True, urgency=OuterRef("urgency"))
        return Coalesce(
            Subquery(own.values(field)[:1]),
            Subquery(general.values(field)[:1]),
            output_field=DurationField(),
        )

    if not resolve:
        return qs.annotate(sla_respond=limit("respond_within"))
    return qs.annotate(sla_respond=limit("respond_within"), sla_resolve=limit("resolve_within"))


def deadlines_if_dispatched_now(issue: Issue) -> tuple[datetime, datetime]:
    """Respond-by and resolve-by a work order dispatched now would get (``with_sla``)."""
    respond, resolve = DEFAULT_SLA.get(issue.urgency, DEFAULT_SLA[Urgency.ORDINARY])
    now = timezone.now()
    return (
        now + (getattr(issue, "sla_respond", None) or respond),
        now + (getattr(issue, "sla_resolve", None) or resolve),
    )


def with_respond_by(issues: list[Issue]) -> list[Issue]:
    """Set each issue's ``respond_by`` (reported + the SLA's respond-within, from
    ``with_sla``) and ``respond_overdue``: the clock a triager works against."""
    now = timezone.now()
    for issue in issues:
        issue.respond_by = triage_due(issue)  # type: ignore[attr-defined]
        issue.respond_overdue = issue.respond_by < now  # type: ignore[attr-defined]
    return issues


def issues_visible_to(user: Any) -> QuerySet[Issue]:
    """The issues list: own reports, the compounds lived in or served, the orders held."""
    p = load_principal(user)
    qs = issues_with_place()
    if p.is_subdistrict:
        return qs
    return qs.filter(
        Q(reporter_id=p.user_id)
        | Q(compound_id__in=set(p.served_compounds) | set(p.home_compounds))
        | Q(responsible_id__in=list(p.org_kinds))
    )


def active_categories() -> QuerySet[IssueCategory]:
    return IssueCategory.objects.filter(active=True)
