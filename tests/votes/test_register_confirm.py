"""Confirming an owner register import is the ``compound.import_register`` action: the
previewed rows come back signed (for this compound and this person, for an hour), not from
the session; anything else is refused with a clear message and stores nothing."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from deliberation.forms import sign_register_rows
from deliberation.models import Building, Unit
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db


def _preview(client, compound, building, area: str) -> str:
    upload = SimpleUploadedFile("r.csv", f"{building.name},101,{area},survey,\n".encode())
    response = client.post(reverse("owner-register-import", args=[compound.pk]), {"file": upload})
    assert response.status_code == 200
    found = re.search(r'name="import_register-rows" value="([^"]+)"', response.content.decode())
    assert found, "the preview offers no confirm step"
    return found.group(1)


def _confirm(client, compound, signed: str, **headers: str):
    url = reverse("action", args=["compound", compound.pk, "import_register"])
    return client.post(url, {"import_register-rows": signed}, **headers)


def _setup(demo):
    compound = demo.tuanjie
    building = Building.objects.filter(compound=compound).order_by("pk").first()
    unit, _ = Unit.objects.get_or_create(
        building=building, number="101", defaults={"exclusive_area": Decimal("50")}
    )
    return compound, building, unit


def test_the_preview_carries_its_rows_signed_and_the_session_holds_nothing(demo) -> None:
    compound, building, unit = _setup(demo)
    client = login_client(demo.user("juwei"))
    signed = _preview(client, compound, building, "61.50")
    assert not any("register" in key for key, _value in client.session.items())
    response = _confirm(client, compound, signed, HTTP_HX_REQUEST="true")
    assert response.status_code == 204  # htmx: off to the register page, with the message
    assert response["HX-Redirect"] == reverse("owner-register", args=[compound.pk])
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("61.50")
    page = client.get(reverse("owner-register", args=[compound.pk])).content.decode()
    assert f"已向{compound.name}业主名册导入 1 套房屋。" in page


def test_altered_rows_are_refused_in_chinese_and_store_nothing(demo) -> None:
    compound, building, unit = _setup(demo)
    client = login_client(demo.user("juwei"))
    signed = _preview(client, compound, building, "62.00")
    payload, _, signature = signed.rpartition(":")
    forged = f"{payload}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"
    response = _confirm(client, compound, forged)
    assert response.status_code == 400
    assert "预览已过期或被改动，请重新上传文件。" in response.content.decode()
    unit.refresh_from_db()
    assert unit.exclusive_area != Decimal("62.00")


def test_rows_signed_for_another_person_or_compound_are_refused(demo) -> None:
    compound, building, unit = _setup(demo)
    rows = [
        {"line": 2, "building": building.name, "number": "101", "area": "63"}
        | {"source": "survey", "owner": ""}
    ]
    juwei = login_client(demo.user("juwei"))
    for signed in (
        sign_register_rows(compound, demo.user("jiedao"), rows),  # someone else's preview
        sign_register_rows(demo.qinggong, demo.user("juwei"), rows),  # another compound's
    ):
        response = _confirm(juwei, compound, signed)
        assert response.status_code == 400, response.content.decode()[:300]
    unit.refresh_from_db()
    assert unit.exclusive_area != Decimal("63")


def test_a_stale_preview_is_refused(demo, monkeypatch) -> None:
    compound, building, unit = _setup(demo)
    client = login_client(demo.user("juwei"))
    signed = _preview(client, compound, building, "64.00")
    monkeypatch.setattr("deliberation.forms.REGISTER_PREVIEW_MAX_AGE", -1)
    response = _confirm(client, compound, signed, HTTP_ACCEPT="application/json")
    assert response.status_code == 400
    assert response.json()["fields"]["rows"][0]["code"] == "stale"
    unit.refresh_from_db()
    assert unit.exclusive_area != Decimal("64.00")


def test_rows_that_became_invalid_since_the_preview_are_refused(demo) -> None:
    """The service checks the rows again: a building renamed since the preview."""
    compound, building, unit = _setup(demo)
    client = login_client(demo.user("juwei"))
    signed = _preview(client, compound, building, "65.00")
    Building.objects.filter(pk=building.pk).update(name=building.name + "（旧）")
    response = _confirm(client, compound, signed)
    assert response.status_code == 400
    assert "数据已失效，请重新上传文件。" in response.content.decode()
    unit.refresh_from_db()
    assert unit.exclusive_area != Decimal("65.00")


def test_the_confirm_step_is_not_among_the_compound_pages_controls(demo) -> None:
    """It needs a preview: only the register page's preview draws it."""
    client = login_client(demo.user("juwei"))
    for name in ("compound-detail", "compound-votes", "committee-page", "owner-register"):
        page = client.get(reverse(name, args=[demo.tuanjie.pk])).content.decode()
        assert 'data-action="import_register"' not in page, name
