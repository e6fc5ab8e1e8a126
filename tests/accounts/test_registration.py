"""Residents get accounts without the admin (issue 11 §3): register with a phone number,
ask to link a home, the residents' committee decides; no account enumeration; budgets."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import LinkRequest, Residency, Unit, User
from deliberation.outbound import recording

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _code(phone: str) -> str:
    texts = [m["body"] for m in recording.sent("sms") if m["to"] == phone]
    assert texts, f"no SMS to {phone}"
    found = re.search(r"\b(\d{6})\b", texts[-1])
    assert found, texts[-1]
    return found.group(1)


def _unit(compound: str = "团结公寓", building: str = "2号楼", number: str = "302") -> Unit:
    return Unit.objects.get(
        building__compound__name=compound, building__name=building, number=number
    )


def register(client: Client, phone: str = PHONE, name: str = "新住户") -> Any:
    client.post(reverse("account-register"), {"phone": phone})
    return client.post(
        reverse("account-register-verify"),
        {"code": _code(phone), "name": name, "password1": "Gz8!kq-Lm2", "password2": "Gz8!kq-Lm2"},
    )


def test_a_resident_registers_asks_for_a_home_and_the_committee_approves(demo: Any) -> None:
    client = Client()
    answer = register(client)
    assert answer.status_code == 302 and answer["Location"] == reverse("account-homes")
    user = User.objects.get(phone=PHONE)
    assert user.display_name == "新住户" and user.check_password("Gz8!kq-Lm2")
    # not linked yet: the compound's page is not theirs to see
    assert client.get(reverse("compound-detail", args=[demo.tuanjie.pk])).status_code == 403

    answer = client.post(
        reverse("account-homes"),
        {
            "compound": demo.tuanjie.pk,
            "building": "2号楼",
            "number": "302",
            "relation": "tenant",
        },
    )
    assert answer.status_code == 302
    link = LinkRequest.objects.get(user=user)
    assert link.status == LinkRequest.Status.PENDING and link.unit == _unit()

    juwei = Client()
    juwei.force_login(demo.user("juwei"))
    page = juwei.get(reverse("residents-page", args=[demo.tuanjie.pk])).content.decode()
    assert f'id="link-request-{link.pk}"' in page and "新住户" in page
    tasks = juwei.get(reverse("task-list")).content.decode()
    assert "新住户" in tasks

    answer = juwei.post(reverse("action", args=["link_request", link.pk, "approve"]))
    assert answer.status_code == 302
    assert Residency.objects.get(user=user, unit=_unit()).relation == "tenant"
    assert client.get(reverse("compound-detail", args=[demo.tuanjie.pk])).status_code == 200
    assert "团结公寓" in client.get(reverse("home")).content.decode()


def test_a_known_number_gets_the_same_answer_and_no_code(demo: Any) -> None:
    known = demo.user("jumin")
    User.objects.filter(pk=known.pk).update(phone="13700000001")
    unknown, existing = Client(), Client()
    a = unknown.post(reverse("account-register"), {"phone": "13700000002"})
    b = existing.post(reverse("account-register"), {"phone": "13700000001"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    page_a = unknown.get(a["Location"]).content.decode().replace("13700000002", "N")
    page_b = existing.get(b["Location"]).content.decode().replace("13700000001", "N")
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens
    assert strip.sub("", page_a) == strip.sub("", page_b)
    to_known = [m["body"] for m in recording.sent("sms") if m["to"] == "13700000001"]
    assert len(to_known) == 1 and not re.search(r"\b\d{6}\b", to_known[0])
    # whatever code the stranger guesses, no second account
    answer = existing.post(
        reverse("account-register-verify"),
        {"code": "000000", "name": "x", "password1": "Gz8!kq-Lm2", "password2": "Gz8!kq-Lm2"},
    )
    assert answer.status_code == 400
    assert User.objects.filter(phone="13700000001").count() == 1


def test_codes_are_rate_limited_per_number(demo: Any) -> None:
    client = Client()
    answers = [
        client.post(reverse("account-register"), {"phone": "13600000003"}).status_code
        for _ in range(4)
    ]
    assert answers == [302, 302, 302, 429]
    assert len(recording.sent("sms")) == 3


def test_a_wrong_code_is_refused_and_five_wrong_codes_burn_it(demo: Any) -> None:
    client = Client()
    client.post(reverse("account-register"), {"phone": PHONE})
    code = _code(PHONE)
    wrong = "111111" if code != "111111" else "222222"
    data = {"name": "x", "password1": "Gz8!kq-Lm2", "password2": "Gz8!kq-Lm2"}
    for _ in range(5):
        answer = client.post(reverse("account-register-verify"), {**data, "code": wrong})
        assert answer.status_code == 400
    answer = client.post(reverse("account-register-verify"), {**data, "code": code})
    assert answer.status_code == 400 and not User.objects.filter(phone=PHONE).exists()


def test_a_bad_number_is_explained(demo: Any) -> None:
    answer = Client().post(reverse("account-register"), {"phone": "12345"})
    assert answer.status_code == 400
    assert "11" in answer.content.decode()
    assert recording.sent("sms") == []


def test_an_owner_claim_the_register_does_not_confirm_needs_proof(demo: Any) -> None:
    client = Client()
    register(client)
    client.post(
        reverse("account-homes"),
        {"compound": demo.tuanjie.pk, "building": "2号楼", "number": "302", "relation": "owner"},
    )
    link = LinkRequest.objects.get(user__phone=PHONE)
    assert link.register_match == LinkRequest.RegisterMatch.OTHER_OWNER
    juwei = Client()
    juwei.force_login(demo.user("juwei"))
    url = reverse("action", args=["link_request", link.pk, "approve"])
    assert juwei.post(url).status_code == 400
    assert not Residency.objects.filter(user=link.user).exists()
    assert juwei.post(url, {"approve-checked": "on"}).status_code == 302
    assert Residency.objects.get(user=link.user).relation == "owner"


def test_an_unknown_unit_is_explained(demo: Any) -> None:
    client = Client()
    register(client)
    answer = client.post(
        reverse("account-homes"),
        {"compound": demo.tuanjie.pk, "building": "2号楼", "number": "9999", "relation": "tenant"},
    )
    assert answer.status_code == 400 and "9999" in answer.content.decode()
    assert not LinkRequest.objects.exists()


def test_another_committee_cannot_decide(demo: Any) -> None:
    client = Client()
    register(client)
    client.post(
        reverse("account-homes"),
        {"compound": demo.tuanjie.pk, "building": "2号楼", "number": "302", "relation": "tenant"},
    )
    link = LinkRequest.objects.get(user__phone=PHONE)
    other = Client()
    other.force_login(demo.user("juwei2"))
    answer = other.post(reverse("action", args=["link_request", link.pk, "approve"]))
    assert answer.status_code == 404
    assert LinkRequest.objects.get(pk=link.pk).status == LinkRequest.Status.PENDING


def test_password_reset_by_phone(demo: Any) -> None:
    User.objects.filter(username="jumin").update(phone="13700000009")
    client = Client()
    answer = client.post(reverse("account-reset"), {"phone_or_email": "13700000009"})
    assert answer.status_code == 302
    answer = client.post(
        reverse("account-reset-verify"),
        {"code": _code("13700000009"), "password1": "Nw9#pq-Zt4", "password2": "Nw9#pq-Zt4"},
    )
    assert answer.status_code == 302
    assert User.objects.get(username="jumin").check_password("Nw9#pq-Zt4")


def test_password_reset_by_email_answers_alike(demo: Any, mailoutbox: Any) -> None:
    User.objects.filter(username="jumin").update(email="jumin@example.org")
    known = Client().post(reverse("account-reset"), {"phone_or_email": "jumin@example.org"})
    unknown = Client().post(reverse("account-reset"), {"phone_or_email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert len(mailoutbox) == 1 and "/accounts/reset/" in mailoutbox[0].body


def test_password_reset_answers_alike_for_an_unknown_number(demo: Any) -> None:
    User.objects.filter(username="jumin").update(phone="13700000009")
    known, unknown = Client(), Client()
    a = known.post(reverse("account-reset"), {"phone_or_email": "13700000009"})
    b = unknown.post(reverse("account-reset"), {"phone_or_email": "13700000008"})
    assert (a.status_code, a["Location"]) == (b.status_code, b["Location"])
    strip = re.compile(r"[A-Za-z0-9]{64}")  # the CSRF tokens
    page_a = known.get(a["Location"]).content.decode().replace("13700000009", "N")
    page_b = unknown.get(b["Location"]).content.decode().replace("13700000008", "N")
    assert strip.sub("", page_a) == strip.sub("", page_b)
    assert [m["to"] for m in recording.sent("sms")] == ["13700000009"]
