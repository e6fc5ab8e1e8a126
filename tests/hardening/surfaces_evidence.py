"""Things and surfaces of the evaluation's evidence ledger and published results for the
permission matrix (docs/law.md §9): entries in 京朝物业's ledger, its ledger page, the
withdraw button, the attachment download, the public history and alliance pages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from deliberation.models import EvidenceEntry, User

from .surfaces import denied_status


def _entry(demo: Any, kind: str, points: int, *, attachment: bool = False) -> EvidenceEntry:
    firm = demo.tuanjie.property_provider
    entry = EvidenceEntry(
        organization=firm,
        compound=demo.tuanjie,
        kind=kind,
        title=f"matrix: {kind}",
        source="matrix",
        occurred_on=date(2026, 9, 1),
        points=Decimal(points),
        entered_by=User.objects.get(username="jiedao"),
    )
    if attachment:
        entry.attachment.save("evidence.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    entry.save()
    return entry


def honour(demo: Any) -> EvidenceEntry:
    """An honour about 团结公寓 in 京朝物业's ledger, with a PDF attached."""
    return _entry(demo, EvidenceEntry.Kind.HONOUR, 2, attachment=True)


def penalty(demo: Any) -> EvidenceEntry:
    return _entry(demo, EvidenceEntry.Kind.PENALTY, -2)


def ledger_page(obj: Any) -> str:
    return reverse("evidence-ledger", args=[obj.pk])


def history_page(demo_obj: Any) -> str:
    return reverse("evaluation-history", args=[demo_obj.pk])


def attachment(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The entry's attachment downloads for whoever may see the ledger."""
    response = client.get(reverse("evidence-attachment", args=[obj.pk]))
    expected = (200,) if allowed else denied_status(role)
    assert response.status_code in expected, (role, response.status_code)


def record_form_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The entry form appears on the ledger page only for those who may record."""
    response = client.get(ledger_page(obj))
    if response.status_code != 200:
        return
    assert (f'id="evidence_ledger-record-{obj.pk}"' in response.content.decode()) is allowed, role


def withdraw_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The withdraw button appears beside the entry only for those who may withdraw it."""
    response = client.get(reverse("evidence-ledger", args=[obj.organization_id]))
    if response.status_code != 200:
        return
    assert (f'id="evidence-withdraw-{obj.pk}"' in response.content.decode()) is allowed, role


def alliance_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    assert client.get(reverse("service-alliance")).status_code == 200, role
