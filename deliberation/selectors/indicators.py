"""Hotline-style indicators, aggregated in SQL: per responsible party, compound and month.

Formulas (docs/law.md §6 and §7b, common practice; also shown on the page):

* **valid** issues: all received, minus those closed as *duplicate* or *not our
  responsibility* (they are not the party's to answer, so they count neither for nor
  against it — closure reasons are kept apart for this).
* **response rate** = responded / valid, where *responded* means the party accepted it
  (``responded_at`` set) or it was closed with a substantive reason (fixed, not fixed,
  answered, no further action).
* **resolution rate** = resolved / valid, where *resolved* means closed as *fixed* or
  *answered* (a consultation answered). "Not fixed" and "no further action" are not resolved.
* **satisfaction rate** = (satisfied + 0.9 × basically satisfied) / rated.
* **composite** = 100 × (0.1 × response + 0.5 × resolution + 0.4 × satisfaction).

* **cases per 100 households** = issues ÷ the compound's households on record × 100.
* **on time** (per party, from its work orders; cancelled and sent-back orders left out):
  responded on time = accepted by the respond-by ÷ orders accepted or past their respond-by;
  resolved on time = completed by the resolve-by ÷ orders completed or past their resolve-by.

Weights come from ``settings.YISHI_INDICATOR_WEIGHTS`` (keys ``response``, ``resolution``,
``satisfaction``, ``basically_satisfied``). Four aggregate queries, whatever the row count.
The current month is still filling up: it is shown marked as partial and never counts in a
trend.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format

from deliberation.models import Compound, Issue, TrendAlarm, WorkOrder
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS, OWNER_BODY_KINDS, PROVIDER_KINDS

C = Issue.ClosureReason
DEFAULT_WEIGHTS = {
    "response": 0.1,
    "resolution": 0.5,
    "satisfaction": 0.4,
    "basically_satisfied": 0.9,
}
NOT_COUNTED = (C.DUPLICATE, C.NOT_OUR_RESPONSIBILITY)
SUBSTANTIVE = (C.FIXED, C.NOT_FIXED, C.ANSWERED, C.NO_FURTHER_ACTION)
RESOLVED = (C.FIXED, C.ANSWERED)
#: Months shown: the current one and the six before it.
MONTHS = 7
#: Consecutive monthly rises that make a signal.
RISES = 3


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "YISHI_INDICATOR_WEIGHTS", {})}


AGGREGATES = {
    "total": Count("id"),
    "hotline": Count("id", filter=Q(channel=Issue.Channel.HOTLINE)),
    "not_counted": Count("id", filter=Q(closure_reason__in=NOT_COUNTED)),
    "responded": Count(
        "id",
        filter=(Q(responded_at__isnull=False) | Q(closure_reason__in=SUBSTANTIVE))
        & ~Q(closure_reason__in=NOT_COUNTED),
    ),
    "resolved": Count("id", filter=Q(closure_reason__in=RESOLVED)),
    "satisfied": Count("id", filter=Q(rating=Issue.Rating.SATISFIED)),
    "basically": Count("id", filter=Q(rating=Issue.Rating.BASICALLY_SATISFIED)),
    "rated": Count("id", filter=~Q(rating="")),
}


@dataclass
class Figures:
    """Counts and the rates computed from them (None when there is no denominator)."""

    total: int = 0
    hotline: int = 0
    not_counted: int = 0
    responded: int = 0
    resolved: int = 0
    satisfied: int = 0
    basically: int = 0
    rated: int = 0

    def add(self, row: Mapping[str, Any]) -> None:
        for name in AGGREGATES:
            setattr(self, name, getattr(self, name) + (row.get(name) or 0))

    def per_100(self, households: int) -> str:
        """Cases per 100 households ("—" without households on record)."""
        return f"{100 * self.total / households:.1f}" if households else "—"

    @property
    def valid(self) -> int:
        return self.total - self.not_counted

    @property
    def response_rate(self) -> float | None:
        return self.responded / self.valid if self.valid else None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved / self.valid if self.valid else None

    @property
    def satisfaction_rate(self) -> float | None:
        if not self.rated:
            return None
        return (self.satisfied + weights()["basically_satisfied"] * self.basically) / self.rated

    @property
    def composite(self) -> float | None:
        rates = (self.response_rate, self.resolution_rate, self.satisfaction_rate)
        if any(r is None for r in rates):
            return None
        w = weights()
        r, s, t = (float(x or 0) for x in rates)
        return 100 * (w["response"] * r + w["resolution"] * s + w["satisfaction"] * t)

    # Shown as percentages on the page ("—" without a denominator).
    @property
    def response_pct(self) -> str:
        return _pct(self.response_rate)

    @property
    def resolution_pct(self) -> str:
        return _pct(self.resolution_rate)

    @property
    def satisfaction_pct(self) -> str:
        return _pct(self.satisfaction_rate)

    @property
    def composite_display(self) -> str:
        value = self.composite
        return "—" if value is None else _one_decimal(value)


def _pct(rate: float | None) -> str:
    """A rate as the reader's language writes a percentage (93.5%)."""
    return "—" if rate is None else _one_decimal(rate * 100) + "%"


def _one_decimal(value: float) -> str:
    """Rounded once (as the figures were before), then written in the reader's language."""
    return number_format(Decimal(f"{value:.1f}"), decimal_pos=1, use_l10n=True)


def on_time_aggregates(now: datetime) -> dict[str, Any]:
    """Work orders against their clocks, as of ``now`` (a clock that has not run out yet
    counts neither for nor against the party)."""
    return {
        "orders": Count("id"),
        "response_due": Count("id", filter=Q(accepted_at__isnull=False) | Q(respond_by__lt=now)),
        "responded_on_time": Count("id", filter=Q(accepted_at__lte=F("respond_by"))),
        "resolution_due": Count("id", filter=Q(completed_at__isnull=False) | Q(resolve_by__lt=now)),
        "resolved_on_time": Count("id", filter=Q(completed_at__lte=F("resolve_by"))),
    }


@dataclass
class OnTime:
    """A party's work orders against their SLA clocks."""

    orders: int = 0
    response_due: int = 0
    responded_on_time: int = 0
    resolution_due: int = 0
    resolved_on_time: int = 0

    @property
    def response_rate(self) -> float | None:
        return self.responded_on_time / self.response_due if self.response_due else None

    @property
    def resolution_rate(self) -> float | None:
        return self.resolved_on_time / self.resolution_due if self.resolution_due else None

    @property
    def response_pct(self) -> str:
        return _pct(self.response_rate)

    @property
    def resolution_pct(self) -> str:
        return _pct(self.resolution_rate)


@dataclass
class Row:
    key: int | None
    name: str
    figures: Figures = field(default_factory=Figures)
    months: dict[date, Figures] = field(default_factory=dict)
    signal: bool = False
    households: int = 0
    on_time: OnTime = field(default_factory=OnTime)

    @property
    def per_100(self) -> str:
        return self.figures.per_100(self.households)

    def series(self, months: list[date]) -> list[int]:
        return [self.months[m].total if m in self.months else 0 for m in months]


def month_list(today: date | None = None, count: int = MONTHS) -> list[date]:
    """The first days of the current month and the ``count - 1`` before it, oldest first."""
    today = today or timezone.localdate()
    year, month = today.year, today.month
    out = []
    for _ in range(count):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def months_between(first: date, last: date) -> list[date]:
    """The first days of the months from ``first`` to ``last``, both included."""
    out, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        out.append(date(year, month, 1))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return out


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def rising(counts: list[int], rises: int = RISES, *, partial_last: bool = True) -> bool:
    """Did the count rise in each of the last ``rises`` *complete* months (the current month,
    when shown, is still filling up, so it is left out)?"""
    complete = counts[:-1] if partial_last else counts
    if len(complete) < rises + 1:
        return False
    tail = complete[-(rises + 1) :]
    return all(a < b for a, b in zip(tail, tail[1:], strict=False))


def scope(user: Any) -> Q | None:
    """What the user may see (a filter on issues and work orders): the subdistrict all;
    community committees the compounds they serve; owners' committees and property
    management committees their own compound; providers the issues they were responsible
    for. None: nothing."""
    p = load_principal(user)
    if p.is_subdistrict:
        return Q()
    kinds = COMMUNITY_KINDS | OWNER_BODY_KINDS
    community = [
        cid
        for cid, orgs in p.served_compounds.items()
        if any(p.org_kinds[o] in kinds for o in orgs)
    ]
    providers = p.orgs_of_kind(*PROVIDER_KINDS)
    if not community and not providers:
        return None
    return Q(compound_id__in=community) | Q(responsible_id__in=list(providers))


def compound_scope(user: Any) -> Q | None:
    """The compounds whose households count in the user's per-household figures."""
    p = load_principal(user)
    if p.is_subdistrict:
        return Q()
    kinds = COMMUNITY_KINDS | OWNER_BODY_KINDS | PROVIDER_KINDS
    served = [
        c for c, orgs in p.served_compounds.items() if any(p.org_kinds[o] in kinds for o in orgs)
    ]
    return Q(pk__in=served) if served else None


def _month_key(value: datetime | date) -> date:
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return date(value.year, value.month, 1)
    return date(value.year, value.month, 1)


@dataclass
class Indicators:
    months: list[date]
    parties: list[Row]
    compounds: list[Row]
    overall: Figures
    overall_months: dict[date, Figures]
    weights: dict[str, float]
    #: the month still filling up (the current one), when the range includes it
    partial: date | None = None
    households: int = 0

    @property
    def per_100(self) -> str:
        return self.overall.per_100(self.households)


def _aware(month: date) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1))


def indicators_for(
    user: Any,
    *,
    today: date | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Indicators | None:
    """Figures by party and by compound, month by month from ``first`` to ``last`` (default:
    the last ``MONTHS`` months), in four queries."""
    allowed = scope(user)
    if allowed is None:
        return None
    return compute(allowed, compound_scope(user), today=today, first=first, last=last)


def compute(
    allowed: Q,
    compounds_where: Q | None,
    *,
    today: date | None = None,
    first: date | None = None,
    last: date | None = None,
) -> Indicators:
    """The figures of the issues and work orders matching ``allowed``; the households of the
    compounds matching ``compounds_where``."""
    today = today or timezone.localdate()
    months = months_between(first, last) if first and last else month_list(today)
    current = date(today.year, today.month, 1)
    partial = current if current in months else None
    start, end = _aware(months[0]), _aware(next_month(months[-1]))
    base = Issue.objects.filter(allowed, created_at__gte=start, created_at__lt=end).order_by()
    overall = Figures()
    overall_months: dict[date, Figures] = {m: Figures() for m in months}

    parties: dict[int | None, Row] = {}
    by_party: Any = (
        base.annotate(month=TruncMonth("created_at"))
        .values("responsible_id", "responsible__name", "month")
        .annotate(**AGGREGATES)
    )
    for row in by_party:
        key = row["responsible_id"]
        entry = parties.setdefault(key, Row(key, row["responsible__name"] or ""))
        entry.figures.add(row)
        entry.months.setdefault(_month_key(row["month"]), Figures()).add(row)

    compounds: dict[int | None, Row] = {}
    by_compound: Any = (
        base.annotate(month=TruncMonth("created_at"))
        .values("compound_id", "compound__name", "compound__households", "month")
        .annotate(**AGGREGATES)
    )
    for row in by_compound:
        key = row["compound_id"]
        entry = compounds.setdefault(
            key, Row(key, row["compound__name"] or "", households=row["compound__households"] or 0)
        )
        month = _month_key(row["month"])
        entry.figures.add(row)
        entry.months.setdefault(month, Figures()).add(row)
        overall.add(row)
        if month in overall_months:
            overall_months[month].add(row)
    for entry in compounds.values():
        entry.signal = rising(entry.series(months), partial_last=partial is not None)
    orders: Any = (
        WorkOrder.objects.filter(allowed, created_at__gte=start, created_at__lt=end)
        .exclude(status__in=(WorkOrder.Status.CANCELLED, WorkOrder.Status.SENT_BACK))
        .order_by()
        .values("responsible_id", "responsible__name")
        .annotate(**on_time_aggregates(timezone.now()))
    )
    for row in orders:
        key = row["responsible_id"]
        entry = parties.setdefault(key, Row(key, row["responsible__name"] or ""))
        entry.on_time = OnTime(**{k: row[k] for k in OnTime.__dataclass_fields__})
    households = 0
    if compounds_where is not None:
        households = (
            Compound.objects.filter(compounds_where).aggregate(n=Sum("households"))["n"] or 0
        )
    return Indicators(
        months=months,
        parties=sorted(parties.values(), key=lambda r: (r.key is None, r.name)),
        compounds=sorted(compounds.values(), key=lambda r: (not r.signal, r.key is None, r.name)),
        overall=overall,
        overall_months=overall_months,
        weights=weights(),
        partial=partial,
        households=households,
    )


def alarms_for(user: Any, limit: int = 20) -> list[Any]:
    """The rising-trend alarms in the user's compounds: open ones first, then the latest
    acknowledged (one query)."""
    where = compound_scope(user)
    if where is None:
        return []
    compounds = Compound.objects.filter(where).values("pk")
    return list(
        TrendAlarm.objects.filter(compound_id__in=compounds)
        .select_related("compound__community", "acknowledged_by")
        .order_by(F("acknowledged_at").desc(nulls_first=True), "-month", "id")[:limit]
    )
