"""Matrix rows and budgets of the evaluation's evidence ledger (``evidence_ledger``,
``evidence``; ``deliberation/actions/evidence.py``): 京朝物业's ledger, entered in by the
subdistrict and the committees of 中路 (the community of 团结公寓, the compound it serves)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from deliberation.models import EvidenceEntry, Organization, User

from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

RECORDERS = SUBDISTRICT | allowed_roles("party_committee", "residents_committee")
TITLE = "matrix: 文明小区"


def firm(demo: Any) -> Organization:
    found = demo.tuanjie.property_provider
    assert found is not None
    return found


def _honour(demo: Any, *, withdrawn: bool = False) -> EvidenceEntry:
    return EvidenceEntry.objects.create(
        organization=firm(demo),
        compound=demo.tuanjie,
        kind=EvidenceEntry.Kind.HONOUR,
        title="matrix: 表彰",
        source="matrix",
        occurred_on=date(2026, 9, 1),
        points=Decimal(2),
        entered_by=User.objects.get(username="jiedao"),
        withdrawn_at=timezone.now() if withdrawn else None,
    )


def honour(demo: Any) -> EvidenceEntry:
    return _honour(demo)


def withdrawn(demo: Any) -> EvidenceEntry:
    return _honour(demo, withdrawn=True)


def _entry_data(demo: Any, obj: Any, user: Any) -> dict[str, Any]:
    return {
        "record-kind": "honour",
        "record-compound": demo.tuanjie.pk,
        "record-title": TITLE,
        "record-source": "朝阳区文明办",
        "record-occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "record-points": "2",
    }


ROWS: list[Row] = [
    Row(
        "evidence_ledger.record",
        RECORDERS,
        available=firm,
        unavailable=None,
        always="a ledger may always take another entry",
        data=_entry_data,
        done=lambda org: EvidenceEntry.objects.filter(organization=org, title=TITLE).exists(),
    ),
    Row(
        "evidence.withdraw",
        RECORDERS,
        available=honour,
        unavailable=withdrawn,
        done=lambda e: EvidenceEntry.objects.get(pk=e.pk).withdrawn_at is not None,
    ),
]


def grow_ledger(demo: Any, n: int) -> None:
    """More entries in 京朝物业's ledger (what its page and controls might read)."""
    jiedao = User.objects.get(username="jiedao")
    ledger_firm, compound = firm(demo), demo.tuanjie
    EvidenceEntry.objects.bulk_create(
        EvidenceEntry(
            organization=ledger_firm,
            compound=compound,
            kind=EvidenceEntry.Kind.COMMITMENT,
            title=f"grown {i}",
            source="budget",
            occurred_on=date(2026, 8, 1),
            entered_by=jiedao,
        )
        for i in range(n)
    )


def no_tasks(demo: Any, n: int) -> None:
    """Neither kind makes tasks: the ledger is kept as things happen."""


BUDGETS: dict[str, KindBudget] = {
    "evidence_ledger": KindBudget(firm, grow_ledger, no_tasks),
    "evidence": KindBudget(honour, grow_ledger, no_tasks),
}
