"""Reading a compound's public-revenue ledger: entries with their running balance, the
quarters' totals and which quarter is to be published next. Every function is a fixed
number of queries, whatever the number of entries (the sums are the database's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Min,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    When,
    Window,
)
from django.db.models.functions import ExtractQuarter, ExtractYear

from deliberation.law.ledger import DEFAULT_VOTE_THRESHOLD, Quarter
from deliberation.models import (
    Compound,
    LedgerAttachment,
    LedgerEntry,
    LedgerPublication,
    LedgerRules,
)

E = LedgerEntry
MONEY = DecimalField(max_digits=14, decimal_places=2)
ZERO = Decimal("0.00")

#: +amount for income, −amount for spending
SIGNED = Case(
    When(direction=E.Direction.INCOME, then=F("amount")),
    default=-F("amount"),
    output_field=MONEY,
)


def vote_threshold(compound: Compound) -> Decimal:
    """The compound's adopted threshold, or the default (docs/law.md §11)."""
    found = LedgerRules.objects.filter(compound=compound).values_list("vote_threshold", flat=True)
    return next(iter(found), DEFAULT_VOTE_THRESHOLD)


def approved_with_balance(compound: Compound) -> QuerySet[LedgerEntry]:
    """The approved entries in date order, each with the balance after it (one query)."""
    return (
        E.objects.filter(compound=compound, status=E.Status.APPROVED)
        .annotate(
            balance=Window(Sum(SIGNED), order_by=[F("occurred_on").asc(), F("id").asc()]),
            receipts=Subquery(_receipt_count()),
        )
        .order_by("occurred_on", "id")
    )


def _receipt_count() -> Any:
    return (
        LedgerAttachment.objects.filter(entry=OuterRef("pk"))
        .order_by()
        .values("entry")
        .annotate(n=Count("id"))
        .values("n")
    )


def undecided(compound: Compound) -> QuerySet[LedgerEntry]:
    """Entries waiting for the owners' body or for an owners' vote."""
    return (
        E.objects.filter(compound=compound, status__in=[E.Status.PENDING, E.Status.AWAITING_VOTE])
        .select_related("recorded_for", "matter__vote")
        .order_by("occurred_on", "id")
    )


def rejected(compound: Compound) -> QuerySet[LedgerEntry]:
    return E.objects.filter(compound=compound, status=E.Status.REJECTED).order_by("-id")


@dataclass
class QuarterFigures:
    quarter: Quarter
    opening: Decimal = ZERO
    income: Decimal = ZERO
    spending: Decimal = ZERO
    lines: list[tuple[str, str, Decimal]] = field(default_factory=list)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.income - self.spending


def quarter_figures(compound: Compound, until: Quarter | None = None) -> list[QuarterFigures]:
    """Every quarter from the first approved entry on (up to ``until``), with its totals per
    category and its opening balance; quarters without entries are listed too (one query)."""
    rows = (
        E.objects.filter(compound=compound, status=E.Status.APPROVED)
        .annotate(y=ExtractYear("occurred_on"), q=ExtractQuarter("occurred_on"))
        .values("y", "q", "direction", "category")
        .annotate(total=Sum("amount"))
        .order_by("y", "q", "direction", "category")
    )
    by_quarter: dict[Quarter, list[tuple[str, str, Decimal]]] = {}
    for row in rows:
        by_quarter.setdefault(Quarter(row["y"], row["q"]), []).append(
            (row["direction"], row["category"], row["total"])
        )
    if not by_quarter:
        return []
    last = max([*by_quarter, until] if until else by_quarter)
    figures: list[QuarterFigures] = []
    quarter, opening = min(by_quarter), ZERO
    while quarter <= last:
        lines = by_quarter.get(quarter, [])
        fig = QuarterFigures(quarter, opening=opening, lines=lines)
        fig.income = sum((t for d, _, t in lines if d == E.Direction.INCOME), ZERO)
        fig.spending = sum((t for d, _, t in lines if d == E.Direction.SPENDING), ZERO)
        figures.append(fig)
        opening, quarter = fig.closing, quarter.next()
    return figures


def published(compound: Compound) -> QuerySet[LedgerPublication]:
    return LedgerPublication.objects.filter(compound=compound).order_by("-year", "-quarter")


def with_publication_state(queryset: QuerySet[Compound]) -> QuerySet[Compound]:
    """Compounds annotated with what ``next_quarter`` needs (in the same query)."""
    latest = LedgerPublication.objects.filter(compound=OuterRef("pk")).order_by("-year", "-quarter")
    first = (
        E.objects.filter(compound=OuterRef("pk"))
        .exclude(status=E.Status.REJECTED)
        .order_by()
        .values("compound")
        .annotate(first=Min("occurred_on"))
        .values("first")
    )
    return queryset.annotate(
        ledger_last_year=Subquery(latest.values("year")[:1]),
        ledger_last_quarter=Subquery(latest.values("quarter")[:1]),
        ledger_first_day=Subquery(first[:1]),
    )


def next_quarter(compound: Any) -> Quarter | None:
    """The quarter to publish next: the one after the last published, or the quarter of the
    first entry; quarters are published in order, none skipped. Reads the annotations of
    ``with_publication_state`` (no query)."""
    year, number = compound.ledger_last_year, compound.ledger_last_quarter
    if year is not None:
        return Quarter(year, number).next()
    first: date | None = compound.ledger_first_day
    return Quarter.of(first) if first else None


def due_quarter(compound: Any, today: date) -> Quarter | None:
    """The next quarter, once it has ended (then its publication is due)."""
    quarter = next_quarter(compound)
    return quarter if quarter is not None and quarter.has_ended(today) else None


def last_published(compound: Compound) -> Quarter | None:
    row = published(compound).values_list("year", "quarter").first()
    return Quarter(*row) if row else None
