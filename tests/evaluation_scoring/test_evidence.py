"""The evidence ledger: who may enter what, the method's ranges, attachments checked like
photos, withdrawal, and the pages (docs/law.md §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliberation.errors import Conflict, Forbidden, InvalidInput
from deliberation.models import EvidenceEntry, Organization
from deliberation.services.evaluations.evidence import record_evidence, withdraw_evidence
from tests.images import small_png
from tests.support.clients import login_client
from tests.support.demo import Demo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _firm(demo: Demo) -> Organization:
    firm = demo.tuanjie.property_provider
    assert firm is not None
    return firm


def _entry(demo: Demo, user: str, **fields: Any) -> EvidenceEntry:
    values: dict[str, Any] = {
        "by": demo.user(user),
        "organization": _firm(demo),
        "kind": EvidenceEntry.Kind.PENALTY,
        "title": "违规收费（测试）",
        "source": "区住建委",
        "occurred_on": date(2026, 9, 1),
        "points": Decimal(-3),
        **fields,
    }
    return record_evidence(**values)


def test_the_subdistrict_enters_a_penalty_with_a_pdf_the_ledger_shows_and_serves(
    demo: Demo, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    entry = _entry(demo, "jiedao", attachment=SimpleUploadedFile("罚单.pdf", PDF), serious=True)
    assert entry.attachment.name.endswith(".pdf")
    page = login_client(demo.user("juwei")).get(reverse("evidence-ledger", args=[_firm(demo).pk]))
    assert page.status_code == 200
    assert "违规收费（测试）" in page.content.decode()
    download = login_client(demo.user("wuye")).get(reverse("evidence-attachment", args=[entry.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PDF
    outsider = login_client(demo.user("juwei2"))
    assert outsider.get(reverse("evidence-attachment", args=[entry.pk])).status_code == 403


def test_points_outside_the_methods_range_are_refused_and_nothing_is_written(demo: Demo) -> None:
    with pytest.raises(InvalidInput) as refused:
        _entry(demo, "jiedao", points=Decimal(-11))
    assert "-10" in refused.value.fields["points"][0]
    with pytest.raises(InvalidInput) as refused:
        _entry(demo, "jiedao", kind=EvidenceEntry.Kind.HONOUR, points=Decimal(-1), serious=True)
    assert set(refused.value.fields) == {"points", "serious"}
    assert not EvidenceEntry.objects.filter(title="违规收费（测试）").exists()


def test_a_community_committee_enters_honours_for_its_compounds_but_no_penalties(
    demo: Demo,
) -> None:
    with pytest.raises(InvalidInput) as refused:
        _entry(demo, "juwei", compound=demo.tuanjie)
    assert "kind" in refused.value.fields
    honour = _entry(
        demo, "juwei", kind=EvidenceEntry.Kind.HONOUR, points=Decimal(2), compound=demo.tuanjie
    )
    assert honour.compound == demo.tuanjie
    with pytest.raises(InvalidInput) as refused:
        _entry(demo, "juwei", kind=EvidenceEntry.Kind.HONOUR, points=Decimal(2))
    assert "compound" in refused.value.fields
    with pytest.raises(Forbidden):  # 北里's committee: 京朝物业 serves nothing in 北里
        _entry(demo, "juwei2", kind=EvidenceEntry.Kind.HONOUR, points=Decimal(2))
    with pytest.raises(Forbidden):
        _entry(demo, "wuye", kind=EvidenceEntry.Kind.HONOUR, points=Decimal(2))


def test_a_file_that_is_not_a_pdf_or_picture_is_refused(
    demo: Demo, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    fake = SimpleUploadedFile("罚单.pdf", b"<html><script>alert(1)</script></html>")
    with pytest.raises(InvalidInput) as refused:
        _entry(demo, "jiedao", attachment=fake)
    assert "attachment" in refused.value.fields
    assert not any(tmp_path.rglob("*.*"))
    picture = _entry(demo, "jiedao", attachment=SimpleUploadedFile("x.png", small_png()))
    assert picture.attachment.name.endswith(".png")


def test_withdrawing_twice_is_a_conflict_and_the_entry_stays_listed(demo: Demo) -> None:
    entry = _entry(demo, "jiedao")
    withdraw_evidence(by=demo.user("jiedao"), entry=entry)
    with pytest.raises(Conflict):
        withdraw_evidence(by=demo.user("jiedao"), entry=entry)
    with pytest.raises(Forbidden):  # penalties are withdrawn by the subdistrict only
        withdraw_evidence(by=demo.user("juwei"), entry=_entry(demo, "jiedao"))
    page = login_client(demo.user("jiedao")).get(reverse("evidence-ledger", args=[_firm(demo).pk]))
    assert f'id="evidence-{entry.pk}" class="withdrawn"' in page.content.decode()


def test_entering_through_the_action_endpoint(demo: Demo) -> None:
    client = login_client(demo.user("juwei"))
    firm = _firm(demo)
    page = client.get(reverse("evidence-ledger", args=[firm.pk]))
    assert 'id="controls-evidence_ledger-' in page.content.decode()
    data = {
        "record-kind": "honour",
        "record-compound": demo.tuanjie.pk,
        "record-title": "文明小区（测试）",
        "record-source": "朝阳区文明办",
        "record-occurred_on": "2026-10-01",
        "record-points": "2",
    }
    response = client.post(reverse("action", args=["evidence_ledger", firm.pk, "record"]), data)
    assert response.status_code == 302, response.content.decode()[:500]
    assert EvidenceEntry.objects.filter(title="文明小区（测试）", points=2).exists()
    bad = client.post(
        reverse("action", args=["evidence_ledger", firm.pk, "record"]),
        {**data, "record-points": "9"},
    )
    assert bad.status_code == 400
    assert EvidenceEntry.objects.filter(title="文明小区（测试）").count() == 1
