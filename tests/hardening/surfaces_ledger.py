"""Permission-matrix objects and surfaces of the public-revenue ledger (docs/law.md §11): the
ledger page, the export, the entry form and the approve button shown exactly to those the
policy allows, and the real services refusing everyone else."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.actions.ledger import recording_organizations
from deliberation.models import Compound, LedgerAttachment, LedgerEntry
from deliberation.services import ledger as svc
from tests.images import small_png

E = LedgerEntry


def pending_entry(demo: Any) -> LedgerEntry:
    """A parking income the firm entered in 团结公寓 today, awaiting approval."""
    compound = demo.tuanjie
    entry, _ = svc.record_entry(
        actor=demo.user("wuye"),
        compound=compound,
        organization=compound.property_provider,
        spec=svc.EntrySpec("income", "parking", Decimal("480.00"), timezone.localdate(), "matrix"),
    )
    return entry


def approved_entry(demo: Any) -> LedgerEntry:
    found = E.objects.filter(compound=demo.tuanjie, status=E.Status.APPROVED).order_by("pk")
    return found.select_related("compound").first()  # type: ignore[return-value]


def awaiting_vote_entry(demo: Any) -> LedgerEntry:
    """The demo's charging-pile quote: above the threshold, waiting for an owners' vote."""
    return E.objects.select_related("compound").get(
        compound=demo.tuanjie, status=E.Status.AWAITING_VOTE
    )


def ledger_page(compound: Any) -> str:
    return reverse("ledger-page", args=[compound.pk])


def ledger_export(compound: Any) -> str:
    return reverse("ledger-export", args=[compound.pk, "csv"])


def entry_page(entry: Any) -> str:
    return reverse("ledger-entry", args=[entry.pk])


def receipt_download(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """A receipt of an entry of the compound: served exactly to those who may read it."""
    entry = approved_entry(demo)
    receipt = LedgerAttachment(entry=entry, content_type="image/png")
    receipt.file.save("receipt.png", ContentFile(small_png()))
    response = client.get(reverse("ledger-receipt", args=[entry.pk, receipt.pk]))
    receipt.file.delete(save=False)
    expected = (200,) if allowed else ((302,) if role == "anonymous" else (403,))
    assert response.status_code in expected, (role, response.status_code)


def entry_form_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    response = client.get(ledger_page(obj))
    if response.status_code != 200:
        return
    assert (f'id="ledger-record-{obj.pk}"' in response.content.decode()) is allowed, role


def approve_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    response = client.get(entry_page(obj))
    if response.status_code != 200:
        return
    assert (f'id="ledger_entry-approve-{obj.pk}"' in response.content.decode()) is allowed, role


def record(user: Any, compound: Compound) -> Any:
    org = recording_organizations(user, compound).first() or compound.property_provider
    return svc.record_entry(
        actor=user,
        compound=compound,
        organization=org,
        spec=svc.EntrySpec("income", "rent", Decimal("1.00"), timezone.localdate(), "matrix"),
    )


def approve(user: Any, entry: LedgerEntry) -> Any:
    return svc.approve_entry(actor=user, entry=entry)


def publish(user: Any, compound: Compound) -> Any:
    return svc.publish_quarter(actor=user, compound=compound)
