"""Matrix rows and budgets of the public-revenue ledger's kinds: ``ledger`` (a compound's
ledger: entering, publishing the quarter) and ``ledger_entry`` (approving, rejecting,
linking the owners' decision) — ``deliberation/actions/ledger.py``, docs/law.md §11.

The demo leaves 团结公寓's last quarter due for publication, an entry awaiting approval and
a spending awaiting an owners' vote in the current quarter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone

from deliberation.actions.ledger import recording_organizations
from deliberation.models import (
    Compound,
    LedgerEntry,
    LedgerPublication,
    LedgerRules,
    Matter,
    OwnersVote,
)
from deliberation.services import ledger as svc

from ..growth_ledger import (
    grow_entries,
    grow_pending,
    grow_receipts,
    grow_served_compounds,
    pending_budget_entry,
)
from ..surfaces_ledger import approved_entry, awaiting_vote_entry, pending_entry
from . import KindBudget, Row, allowed_roles

E = LedgerEntry
KEEPERS = allowed_roles("property_firm", "owners_committee")
COMMITTEE = allowed_roles("owners_committee")


def tuanjie(demo: Any) -> Compound:
    return demo.tuanjie


def published_up_to_date(demo: Any) -> Compound:
    """团结公寓 once its due quarter is published: nothing is due until this one ends."""
    svc.publish_quarter(actor=demo.user("yeweihui"), compound=demo.tuanjie)
    return demo.tuanjie


def _entry(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    org = recording_organizations(user, compound).first() if user.is_authenticated else None
    return {
        "record-organization": getattr(org, "pk", compound.property_provider_id),
        "record-direction": "income",
        "record-category": "advertising",
        "record-amount": "250.00",
        "record-occurred_on": timezone.localdate().isoformat(),
        "record-description": "matrix: 宣传栏广告",
        "record-key": f"matrix-{getattr(user, 'pk', 0)}",
    }


def _recorded(compound: Any) -> bool:
    return E.objects.filter(compound_id=compound.pk, description="matrix: 宣传栏广告").exists()


def _decided(status: str) -> Any:
    return lambda entry: E.objects.get(pk=entry.pk).status == status


def _matter(demo: Any, entry: Any, user: Any) -> dict[str, Any]:
    matter = Matter.objects.filter(vote__compound=demo.tuanjie).order_by("pk").first()
    assert matter is not None
    return {"link_vote-matter": matter.pk}


def _adopted(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    """A decision of 团结公寓's owners that passed and was published (made so here, in the
    step's own savepoint) adopting a threshold of 8,000 yuan."""
    matter = Matter.objects.filter(vote__compound=demo.tuanjie).order_by("pk").first()
    assert matter is not None
    Matter.objects.filter(pk=matter.pk).update(outcome="passed")
    OwnersVote.objects.filter(pk=matter.vote_id).update(status=OwnersVote.Status.PUBLISHED)
    return {"rules-vote_threshold": "8000.00", "rules-adopted_by": matter.pk}


ROWS: list[Row] = [
    Row(
        "ledger.rules",
        COMMITTEE,
        available=tuanjie,
        unavailable=None,
        always="the owners may adopt new rules at any meeting; each is recorded",
        data=_adopted,
        done=lambda c: LedgerRules.objects.filter(
            compound_id=c.pk, vote_threshold=Decimal("8000.00")
        ).exists(),
    ),
    Row(
        "ledger.record",
        KEEPERS,
        available=tuanjie,
        unavailable=None,
        always="income and spending may always be entered (into an open quarter)",
        data=_entry,
        done=_recorded,
    ),
    Row(
        "ledger.publish",
        COMMITTEE,
        available=tuanjie,
        unavailable=published_up_to_date,
        done=lambda c: LedgerPublication.objects.filter(compound_id=c.pk).count() >= 3,
        isolated=True,
    ),
    Row(
        "ledger_entry.approve",
        COMMITTEE,
        available=pending_entry,
        unavailable=approved_entry,
        done=_decided(E.Status.APPROVED),
    ),
    Row(
        "ledger_entry.reject",
        COMMITTEE,
        available=pending_entry,
        unavailable=approved_entry,
        data=lambda demo, entry, user: {"reject-reason": "票据与金额不符"},
        done=_decided(E.Status.REJECTED),
    ),
    Row(
        "ledger_entry.link_vote",
        KEEPERS,
        available=awaiting_vote_entry,
        unavailable=pending_entry,
        data=_matter,
        done=lambda entry: E.objects.get(pk=entry.pk).matter_id is not None,
    ),
]


BUDGETS: dict[str, KindBudget] = {
    "ledger": KindBudget(tuanjie, grow_entries, grow_served_compounds),
    "ledger_entry": KindBudget(pending_budget_entry, grow_receipts, grow_pending),
}
