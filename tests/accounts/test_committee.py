"""The residents' committee creates accounts and links people to units from a page (one by
one, or from a spreadsheet with a preview), and prints invitation letters (issue 11 §3)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deliberation.models import Residency, User
from deliberation.services.accounts import invitation_token, invited_unit

pytestmark = pytest.mark.django_db


def _juwei(demo: Any) -> Client:
    client = Client()
    client.force_login(demo.user("juwei"))
    return client


def test_the_committee_creates_an_account_linked_to_a_unit(demo: Any) -> None:
    answer = _juwei(demo).post(
        reverse("action", args=["compound", demo.tuanjie.pk, "create_resident"]),
        {
            "create_resident-name": "王阿姨",
            "create_resident-phone": "138 0013 8000",
            "create_resident-building": "2号楼",
            "create_resident-number": "302",
            "create_resident-relation": "occupant",
        },
    )
    assert answer.status_code == 302
    person = User.objects.get(phone="13800138000")
    assert person.display_name == "王阿姨" and not person.has_usable_password()
    home = Residency.objects.get(user=person)
    assert (home.unit.building.name, home.unit.number, home.relation) == (
        "2号楼",
        "302",
        "occupant",
    )


def test_a_unit_of_another_compound_is_refused(demo: Any) -> None:
    answer = _juwei(demo).post(
        reverse("action", args=["compound", demo.tuanjie.pk, "create_resident"]),
        {
            "create_resident-name": "王阿姨",
            "create_resident-phone": "13800138000",
            "create_resident-building": "甲1号楼",  # 轻工宿舍's
            "create_resident-number": "201",
            "create_resident-relation": "occupant",
        },
    )
    assert answer.status_code == 400
    assert not User.objects.filter(phone="13800138000").exists()


def test_a_committee_of_another_community_may_not_create_accounts_here(demo: Any) -> None:
    other = Client()
    other.force_login(demo.user("juwei2"))
    assert other.get(reverse("residents-page", args=[demo.tuanjie.pk])).status_code == 403
    answer = other.post(
        reverse("action", args=["compound", demo.tuanjie.pk, "create_resident"]),
        {"create_resident-name": "x", "create_resident-phone": "13800138000"},
    )
    assert answer.status_code == 403
    assert not User.objects.filter(phone="13800138000").exists()


def test_bulk_import_previews_then_stores_every_row(demo: Any) -> None:
    client = _juwei(demo)
    csv = (
        "姓名,手机,楼栋,房号,关系\n"
        "李大爷,13600000001,2号楼,302,住户\n"
        "张先生,13600000002,1号楼,101,租户\n"
    )
    answer = client.post(
        reverse("residents-import", args=[demo.tuanjie.pk]),
        {"file": SimpleUploadedFile("r.csv", csv.encode())},
    )
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "李大爷" in page and "import_residents-rows" in page
    assert not User.objects.filter(phone="13600000001").exists()  # a preview stores nothing
    rows = answer.context["confirm"].initial["rows"]
    answer = client.post(
        reverse("action", args=["compound", demo.tuanjie.pk, "import_residents"]),
        {"import_residents-rows": rows},
    )
    assert answer.status_code == 302
    assert Residency.objects.get(user__phone="13600000002").relation == "tenant"
    assert Residency.objects.get(user__phone="13600000001").unit.number == "302"


def test_bulk_import_with_a_bad_row_stores_nothing(demo: Any) -> None:
    csv = "李大爷,13600000001,2号楼,302,住户\n张先生,12345,9号楼,101,房东\n"
    answer = _juwei(demo).post(
        reverse("residents-import", args=[demo.tuanjie.pk]),
        {"file": SimpleUploadedFile("r.csv", csv.encode())},
    )
    assert answer.status_code == 400
    page = answer.content.decode()
    assert "import_residents-rows" not in page
    assert not User.objects.filter(phone="13600000001").exists()


def test_an_altered_preview_is_refused(demo: Any) -> None:
    answer = _juwei(demo).post(
        reverse("action", args=["compound", demo.tuanjie.pk, "import_residents"]),
        {"import_residents-rows": "forged"},
    )
    assert answer.status_code == 400


def test_an_invitation_names_its_unit_and_a_forged_one_nothing(demo: Any) -> None:
    from deliberation.models import Unit

    unit = Unit.objects.get(building__compound=demo.tuanjie, building__name="2号楼", number="302")
    token = invitation_token(unit)
    assert invited_unit(token) == unit
    assert invited_unit(token[:-2] + "xx") is None
    page = Client().get(reverse("account-register") + "?invite=" + token).content.decode()
    assert "团结公寓 2号楼 302" in page
    forged = Client().get(reverse("account-register") + "?invite=x" + token)
    assert forged.status_code == 200 and "团结公寓 2号楼 302" not in forged.content.decode()


def test_the_letters_print_as_a_pdf(demo: Any) -> None:
    building = demo.tuanjie.buildings.get(name="2号楼")
    answer = _juwei(demo).get(
        reverse("residents-letters-pdf", args=[demo.tuanjie.pk]) + f"?building={building.pk}"
    )
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")
    assert Client().get(reverse("residents-letters-pdf", args=[demo.tuanjie.pk])).status_code == 302


def test_control_characters_are_refused_in_forms_and_files(demo: Any) -> None:
    client = _juwei(demo)
    answer = client.post(
        reverse("action", args=["compound", demo.tuanjie.pk, "create_resident"]),
        {
            "create_resident-name": "王阿姨\x1b[2J",
            "create_resident-phone": "13800138000",
            "create_resident-building": "2号楼",
            "create_resident-number": "302",
            "create_resident-relation": "occupant",
        },
    )
    assert answer.status_code == 400
    csv = "李大爷\x07,13600000001,2号楼,302,住户\n"
    answer = client.post(
        reverse("residents-import", args=[demo.tuanjie.pk]),
        {"file": SimpleUploadedFile("r.csv", csv.encode())},
    )
    assert answer.status_code == 400
    assert not User.objects.filter(phone__in=["13800138000", "13600000001"]).exists()
