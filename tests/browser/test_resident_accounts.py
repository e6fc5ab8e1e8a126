"""Done-when of issue 11 §3, in the browser: a resident registers with a phone number (the
code comes by SMS through the recording fake), asks to be linked to 团结公寓 2号楼 302, the
residents' committee approves, and the resident then sees their compound; an invitation
letter's QR code for a unit opens the registration with that unit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import segno

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import Compound, LinkRequest, Residency, User
from deliberation.outbound import recording
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, eventually
from tests.support.server import LiveServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "13988887777"


@pytest.fixture
def server(tdemo: Any, settings: Any) -> Iterator[LiveServer]:
    """The live server sending SMS to this test's recording fake."""
    live = LiveServer(
        env={
            "YISHI_SMS_SENDER": "deliberation.outbound.recording.RecordingSender",
            "YISHI_EMAIL_SENDER": "deliberation.outbound.recording.RecordingSender",
            "YISHI_OUTBOUND_RECORD_DIR": settings.YISHI_OUTBOUND_RECORD_DIR,
            "RATE_LIMIT_NAMESPACE": settings.RATE_LIMIT_NAMESPACE,
        }
    )
    live.start()
    try:
        yield live
    finally:
        live.stop()


def _code(phone: str) -> str:
    def sent() -> str:
        texts = [m["body"] for m in recording.sent("sms") if m["to"] == phone]
        assert texts
        found = re.search(r"\b(\d{6})\b", texts[-1])
        assert found
        return found.group(1)

    return str(eventually(sent))


def _anonymous(browser: Any) -> Any:
    page = browser.new_context(locale="zh-CN").new_page()
    page.set_default_timeout(10_000)
    return page


def test_register_ask_for_a_home_approved_then_the_compound(browser, server) -> None:
    tuanjie = Compound.objects.get(name="团结公寓")
    resident = _anonymous(browser)
    resident.goto(f"{server.url}/accounts/login/")
    resident.click("#register-link")
    resident.fill("#id_phone", PHONE)
    resident.click("button[type=submit].primary")
    resident.wait_for_url(re.compile(r"/accounts/register/code/$"))
    assert_accessible(resident, "registration code")
    resident.fill("#id_code", _code(PHONE))
    resident.fill("#id_name", "新邻居")
    resident.fill("#id_password1", DEMO_PASSWORD)
    resident.fill("#id_password2", DEMO_PASSWORD)
    resident.click("button[type=submit].primary")
    resident.wait_for_url(re.compile(r"/accounts/homes/$"))
    assert User.objects.get(phone=PHONE).display_name == "新邻居"

    resident.select_option("#id_compound", label="团结公寓")
    resident.fill("#id_building", "2号楼")
    resident.fill("#id_number", "302")
    resident.select_option("#id_relation", "tenant")
    resident.click("form:has(#id_compound) button[type=submit].primary")
    resident.wait_for_selector("#my-link-requests")
    assert_accessible(resident, "my homes")
    link = LinkRequest.objects.get(user__phone=PHONE)
    resident.goto(f"{server.url}/")
    assert "团结公寓" not in resident.inner_text("main")

    juwei = browser_login(browser, server, "juwei")
    assert "新邻居" in juwei.inner_text("#task-list")
    juwei.goto(f"{server.url}/compounds/{tuanjie.pk}/residents/")
    assert_accessible(juwei, "residents page")
    juwei.click(f"#link_request-approve-{link.pk} button[type=submit]")
    eventually(lambda: _linked(PHONE))

    resident.goto(f"{server.url}/")
    heading = resident.locator(f"main h2 a[href='/compounds/{tuanjie.pk}/']")
    assert heading.inner_text() == "团结公寓"
    resident.goto(f"{server.url}/compounds/{tuanjie.pk}/")
    assert resident.locator("h1").first.inner_text().startswith("团结公寓")


def _linked(phone: str) -> None:
    assert Residency.objects.filter(
        user__phone=phone, unit__building__name="2号楼", unit__number="302"
    ).exists()


def test_a_letter_s_qr_code_opens_the_registration_with_its_unit(browser, server) -> None:
    tuanjie = Compound.objects.get(name="团结公寓")
    building = tuanjie.buildings.get(name="2号楼")
    juwei = browser_login(browser, server, "juwei")
    juwei.goto(f"{server.url}/compounds/{tuanjie.pk}/residents/letters/?building={building.pk}")
    letter = juwei.locator(".letter[data-unit='2号楼 302']")
    url = letter.locator("a.letter-link").get_attribute("href")
    qr = letter.locator("img").get_attribute("src")
    assert url and url.startswith(server.url)
    # the QR code on the letter is this very link
    assert qr == segno.make(url, error="m").svg_data_uri(scale=3, border=2)

    visitor = _anonymous(browser)
    visitor.goto(url)
    banner = visitor.locator("[data-invited-unit]")
    assert "团结公寓 2号楼 302" in banner.inner_text()
    visitor.fill("#id_phone", PHONE)
    visitor.click("button[type=submit].primary")
    visitor.wait_for_url(re.compile(r"/accounts/register/code/$"))
    assert "团结公寓 2号楼 302" in visitor.locator("[data-invited-unit]").inner_text()
    visitor.fill("#id_code", _code(PHONE))
    visitor.fill("#id_name", "扫码住户")
    visitor.select_option("#id_relation", "occupant")
    visitor.fill("#id_password1", DEMO_PASSWORD)
    visitor.fill("#id_password2", DEMO_PASSWORD)
    visitor.click("button[type=submit].primary")
    visitor.wait_for_url(re.compile(r"/accounts/homes/$"))
    link = LinkRequest.objects.get(user__phone=PHONE)
    assert (link.unit.building.name, link.unit.number, link.relation) == (
        "2号楼",
        "302",
        "occupant",
    )
    assert "团结公寓 2号楼 302" in visitor.inner_text("#my-link-requests")
