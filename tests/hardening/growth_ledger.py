"""Growing the public-revenue ledger's rows for the query budgets (``budgets.py``,
``actions/ledger.py``): entries, receipts, compounds with a quarter due, publications."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.models import Compound, LedgerAttachment, LedgerEntry, LedgerPublication

E = LedgerEntry


def grow_entries(demo: Any, n: int) -> None:
    """``n`` approved entries in 团结公寓's current quarter (the ledger page lists them all)."""
    compound, wuye = demo.tuanjie, demo.user("wuye")
    E.objects.bulk_create(
        E(
            compound=compound,
            direction="income",
            category="parking",
            amount=Decimal("10.00"),
            occurred_on=timezone.localdate(),
            description=f"budget {i}",
            status=E.Status.APPROVED,
            recorded_by=wuye,
            recorded_for_id=compound.property_provider_id,
        )
        for i in range(n)
    )


def grow_pending(demo: Any, n: int) -> None:
    """``n`` entries waiting for the committee's approval (each a task)."""
    compound, wuye = demo.tuanjie, demo.user("wuye")
    E.objects.bulk_create(
        E(
            compound=compound,
            direction="income",
            category="parking",
            amount=Decimal("10.00"),
            occurred_on=timezone.localdate(),
            description=f"pending {i}",
            recorded_by=wuye,
            recorded_for_id=compound.property_provider_id,
        )
        for i in range(n)
    )


def grow_served_compounds(demo: Any, n: int) -> None:
    """``n`` compounds whose ledger 团结公寓's committee keeps, each with a quarter due."""
    t = demo.tuanjie
    start = Compound.objects.count()
    made = Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"账目小区{start + i}",
            category=t.category,
            management_mode=t.management_mode,
            property_provider_id=t.property_provider_id,
            owners_committee_id=t.owners_committee_id,
        )
        for i in range(n)
    )
    long_ago = timezone.localdate() - timedelta(days=400)
    wuye = demo.user("wuye")
    E.objects.bulk_create(
        E(
            compound=c,
            direction="income",
            category="rent",
            amount=Decimal("1.00"),
            occurred_on=long_ago,
            description="budget",
            status=E.Status.APPROVED,
            recorded_by=wuye,
            recorded_for_id=t.property_provider_id,
        )
        for c in made
    )


def grow_receipts(demo: Any, n: int) -> None:
    entry = pending_budget_entry(demo)
    LedgerAttachment.objects.bulk_create(
        LedgerAttachment(entry=entry, file=f"ledger/x{i}.png", content_type="image/png")
        for i in range(n)
    )


def pending_budget_entry(demo: Any) -> LedgerEntry:
    found = E.objects.filter(compound=demo.tuanjie, description="budget entry").first()
    return found or E.objects.create(
        compound=demo.tuanjie,
        direction="income",
        category="parking",
        amount=Decimal("10.00"),
        occurred_on=timezone.localdate(),
        description="budget entry",
        recorded_by=demo.user("wuye"),
        recorded_for_id=demo.tuanjie.property_provider_id,
    )


def grow_publications(demo: Any, n: int) -> None:
    """``n`` published quarters of 团结公寓 (years long past: the public page lists them)."""
    compound, yeweihui = demo.tuanjie, demo.user("yeweihui")
    start = 1000 + LedgerPublication.objects.filter(compound=compound).count()
    LedgerPublication.objects.bulk_create(
        LedgerPublication(
            compound=compound,
            year=start + i,
            quarter=1,
            opening_balance=Decimal("0"),
            income=Decimal("1"),
            spending=Decimal("0"),
            closing_balance=Decimal("1"),
            lines=[["income", "parking", "1.00"]],
            published_by=yeweihui,
        )
        for i in range(n)
    )


def ledger_url(name: str, *extra: Any) -> Any:
    return lambda demo: reverse(name, args=[demo.tuanjie.pk, *extra])


def entry_url(demo: Any) -> str:
    return reverse("ledger-entry", args=[pending_budget_entry(demo).pk])
