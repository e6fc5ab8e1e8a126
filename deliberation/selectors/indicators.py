"""Hotline-style indicators, aggregated in SQL: per responsible party, compound and month.

Formulas (docs/law.md §6, common practice [P]; also shown on the page):

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

Weights come from ``settings.YISHI_INDICATOR_WEIGHTS`` (keys ``response``, ``resolution``,
``satisfaction``, ``basically_satisfied``). Two aggregate queries, whatever the row count.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format

from deliberation.models import Issue
from deliberation.policy import load_principal
from deliberation.policy.principal import COMMUNITY_KINDS, PROVIDER_KINDS

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


@dataclass
class Row:
    key: int | None
    name: str
    figures: Figures = field(default_factory=Figures)
    months: dict[date, Figures] = field(default_factory=dict)
    signal: bool = False

    def series(self, months: list[date]) -> list[int]:
        return [self.months[m].total if m in self.months else 0 for m in months]


def month_list(today: date | None = None) -> list[date]:
    today = today or timezone.localdate()
    year, month = today.year, today.month
    out = []
    for _ in range(MONTHS):
        out.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def rising(counts: list[int], rises: int = RISES) -> bool:
    """Did the count rise in each of the last ``rises`` *complete* months (the current month
    is still filling up, so it is left out)?"""
    complete = counts[:-1]
    if len(complete) < rises + 1:
        return False
    tail = complete[-(rises + 1) :]
    return all(a < b for a, b in zip(tail, tail[1:], strict=False))


def scope(user: Any) -> Q | None:
    """What the user may see: the subdistrict all; community committees the compounds they
    serve; providers the issues they were responsible for. None: nothing."""
    p = load_principal(user)
    if p.is_subdistrict:
        return Q()
    community = [
        cid
        for cid, orgs in p.served_compounds.items()
        if any(p.org_kinds[o] in COMMUNITY_KINDS for o in orgs)
    ]
    providers = p.orgs_of_kind(*PROVIDER_KINDS)
    if not community and not providers:
        return None
    return Q(compound_id__in=community) | Q(responsible_id__in=list(providers))


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


def indicators_for(user: Any, *, today: date | None = None) -> Indicators | None:
    """Figures by party and by compound for the last ``MONTHS`` months (two queries)."""
    allowed = scope(user)
    if allowed is None:
        return None
    months = month_list(today)
    start = timezone.make_aware(datetime(months[0].year, months[0].month, 1))
    base = Issue.objects.filter(allowed, created_at__gte=start).order_by()
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
        .values("compound_id", "compound__name", "month")
        .annotate(**AGGREGATES)
    )
    for row in by_compound:
        key = row["compound_id"]
        entry = compounds.setdefault(key, Row(key, row["compound__name"] or ""))
        month = _month_key(row["month"])
        entry.figures.add(row)
        entry.months.setdefault(month, Figures()).add(row)
        overall.add(row)
        if month in overall_months:
            overall_months[month].add(row)
    for entry in compounds.values():
        entry.signal = rising(entry.series(months))
    return Indicators(
        months=months,
        parties=sorted(parties.values(), key=lambda r: (r.key is None, r.name)),
        compounds=sorted(compounds.values(), key=lambda r: (not r.signal, r.key is None, r.name)),
        overall=overall,
        overall_months=overall_months,
        weights=weights(),
    )
