"""The measured inputs of an evaluation cycle, from our own data (docs/law.md §9).

Per evaluated organization and compound, over the cycle's half-year, aggregated in SQL —
four queries whatever the number of organizations:

* **work orders** dispatched to the organization in the period (cancelled and sent-back
  orders are not its to answer and are left out): responded on time = accepted by the
  respond-by clock, resolved on time = completed by the resolve-by clock, counted over the
  orders whose clock fell due in the period; overdue days = days past resolve-by until
  completion (or the end of the period); orders carrying out a session's resolution and how
  many of those were completed on time;
* **escalations** to the supervision group of those orders;
* **issues** the organization was responsible for (closed as duplicate or not its
  responsibility are left out): residents' ratings (satisfaction) and reopened issues;
* **12345 hotline tickets** about the compound that were the organization's, per month.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from deliberation.models import Compound, Escalation, Issue, Resolution, WorkOrder

Key = tuple[int, int]
NOT_COUNTED = (Issue.ClosureReason.DUPLICATE, Issue.ClosureReason.NOT_OUR_RESPONSIBILITY)
NOT_THEIRS = (WorkOrder.Status.CANCELLED, WorkOrder.Status.SENT_BACK)


@dataclass
class MeasuredCounts:
    """The raw counts for one organization in one compound (rates are the method's job)."""

    orders: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    resolution_due: int = 0
    resolved_on_time: int = 0
    overdue_orders: int = 0
    overdue_days: float = 0.0
    resolution_orders: int = 0
    resolution_orders_on_time: int = 0
    escalations: int = 0
    issues: int = 0
    reopened: int = 0
    rated: int = 0
    satisfied: int = 0
    basically: int = 0
    hotline: int = 0
    #: Hotline tickets per month of the period, oldest first.
    hotline_months: list[int] = field(default_factory=list)


def period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as aware datetimes: from the first day's midnight to the day after the last."""
    return (
        timezone.make_aware(datetime.combine(start, time.min)),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min)),
    )


def _months(start: date, end: date) -> list[date]:
    months, current = [], date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _month_of(value: datetime | date) -> date:
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return date(value.year, value.month, 1)


def evaluated_scope(subdistrict_id: int) -> dict[int, list[tuple[int, int]]]:
    """Who is evaluated where: each provider organization (market firm or property-rights
    unit) with the compounds of the subdistrict it serves and their households."""
    scope: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = (
        Compound.objects.filter(
            community__subdistrict_id=subdistrict_id, property_provider__isnull=False
        )
        .order_by("property_provider_id", "name")
        .values_list("property_provider_id", "pk", "households")
    )
    for provider, compound, households in rows:
        scope[provider].append((compound, households))
    return dict(scope)


def measured_inputs(*, subdistrict_id: int, start: date, end: date) -> dict[Key, MeasuredCounts]:
    """Counts per (organization, compound) for the compounds of a subdistrict, in 4 queries."""
    since, until = period_bounds(start, end)
    months = _months(start, end)
    out: dict[Key, MeasuredCounts] = defaultdict(
        lambda: MeasuredCounts(hotline_months=[0] * len(months))
    )
    in_subdistrict = Q(compound__community__subdistrict_id=subdistrict_id)

    orders = WorkOrder.objects.filter(
        in_subdistrict, created_at__gte=since, created_at__lt=until, compound__isnull=False
    ).exclude(status__in=NOT_THEIRS)
    resolution_type = ContentType.objects.get_for_model(Resolution)
    late = ExpressionWrapper(
        Coalesce(F("completed_at"), Value(until)) - F("resolve_by"), output_field=DurationField()
    )
    is_late = Q(resolve_by__lt=until) & (
        Q(completed_at__isnull=True) | Q(completed_at__gt=F("resolve_by"))
    )
    on_time = Q(completed_at__isnull=False, completed_at__lte=F("resolve_by"))
    carried = Q(origin_type=resolution_type)
    order_rows: Any = (
        orders.order_by()
        .values("responsible_id", "compound_id")
        .annotate(
            orders=Count("id"),
            response_due=Count("id", filter=Q(respond_by__lt=until) | Q(accepted_at__isnull=False)),
            responded_on_time=Count(
                "id", filter=Q(accepted_at__isnull=False, accepted_at__lte=F("respond_by"))
            ),
            resolution_due=Count("id", filter=Q(resolve_by__lt=until) | on_time),
            resolved_on_time=Count("id", filter=on_time),
            overdue_orders=Count("id", filter=is_late),
            overdue=Sum(late, filter=is_late),
            resolution_orders=Count("id", filter=carried),
            resolution_orders_on_time=Count("id", filter=carried & on_time),
        )
    )
    for row in order_rows:
        counts = out[(row["responsible_id"], row["compound_id"])]
        for name in (
            "orders",
            "response_due",
            "responded_on_time",
            "resolution_due",
            "resolved_on_time",
            "overdue_orders",
            "resolution_orders",
            "resolution_orders_on_time",
        ):
            setattr(counts, name, row[name])
        overdue = row["overdue"] or timedelta()
        counts.overdue_days = round(overdue.total_seconds() / 86400, 1)

    escalation_rows: Any = (
        Escalation.objects.filter(work_order__in=orders)
        .order_by()
        .values("work_order__responsible_id", "work_order__compound_id")
        .annotate(n=Count("id"))
    )
    for row in escalation_rows:
        key = (row["work_order__responsible_id"], row["work_order__compound_id"])
        out[key].escalations = row["n"]

    issues = Issue.objects.filter(
        in_subdistrict, created_at__gte=since, created_at__lt=until, responsible__isnull=False
    ).exclude(closure_reason__in=NOT_COUNTED)
    issue_rows: Any = (
        issues.order_by()
        .values("responsible_id", "compound_id")
        .annotate(
            issues=Count("id"),
            reopened=Count("id", filter=Q(reopen_count__gt=0)),
            rated=Count("id", filter=~Q(rating="")),
            satisfied=Count("id", filter=Q(rating=Issue.Rating.SATISFIED)),
            basically=Count("id", filter=Q(rating=Issue.Rating.BASICALLY_SATISFIED)),
        )
    )
    for row in issue_rows:
        if row["compound_id"] is None:
            continue
        counts = out[(row["responsible_id"], row["compound_id"])]
        for name in ("issues", "reopened", "rated", "satisfied", "basically"):
            setattr(counts, name, row[name])

    hotline_rows: Any = (
        issues.filter(channel=Issue.Channel.HOTLINE, compound__isnull=False)
        .annotate(month=TruncMonth("created_at"))
        .order_by()
        .values("responsible_id", "compound_id", "month")
        .annotate(n=Count("id"))
    )
    index = {month: i for i, month in enumerate(months)}
    for row in hotline_rows:
        counts = out[(row["responsible_id"], row["compound_id"])]
        counts.hotline += row["n"]
        position = index.get(_month_of(row["month"]))
        if position is not None:
            counts.hotline_months[position] += row["n"]
    return dict(out)
