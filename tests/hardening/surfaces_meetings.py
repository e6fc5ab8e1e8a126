"""Permission-matrix surfaces of meetings with their documents (issue 13 §1)."""

from __future__ import annotations

from typing import Any

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from deliberation.models import MatterDocument

from .surfaces import denied_status


def matter_document(vote: Any) -> MatterDocument:
    """A document (the quote for the lifts) on the first matter of the meeting."""
    matter = vote.matters.order_by("position").first()
    found = MatterDocument.objects.filter(matter=matter).first()
    if found is not None:
        return found
    doc = MatterDocument(
        matter=matter, token="matrix", name="报价单.pdf", content_type="application/pdf", size=9
    )
    doc.file.save("document.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    return doc


def document_download(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Whoever may see the vote reads its matters' documents; nobody else learns they exist."""
    doc = matter_document(obj)
    response = client.get(reverse("vote-document", args=[obj.pk, doc.pk]))
    expected = (200,) if allowed else denied_status(role, obj)
    assert response.status_code in expected, (role, response.status_code)
