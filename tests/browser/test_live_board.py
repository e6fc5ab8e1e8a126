"""One browser context posts a notice; a resident's open page shows it without reloading."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deliberation.models import Compound, User
from deliberation.services.announcements import post_announcement
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_notice_reaches_resident_live(browser, live_server_asgi) -> None:
    resident = browser_login(browser, live_server_asgi, "jumin", phone=True)
    wait_live(resident)
    assert resident.locator("h1").inner_text() == "我的小区"
    assert_accessible(resident, "resident's home")

    staff = browser_login(browser, live_server_asgi, "wuye")
    compound = Compound.objects.get(name="团结公寓")
    # the compound's own link (the firm's task list names the compound too)
    staff.locator(f"a[href='{reverse('compound-detail', args=[compound.pk])}']").first.click()
    assert_accessible(staff, "compound page")
    form = f"#compound-announce-{compound.pk}"
    staff.click(f"details:has({form}) > summary")
    staff.fill("#id_announce-title", "电梯检修<script>alert(1)</script>")
    staff.fill("#id_announce-body", "周三上午2号楼电梯检修")
    staff.click(f"{form} button[type=submit]")
    staff.wait_for_selector("section.controls .notice")
    assert_accessible(staff, "notice posted")

    board = resident.locator("section.board")
    board.locator("text=电梯检修<script>alert(1)</script>").wait_for(timeout=5_000)
    assert "周三上午2号楼电梯检修" in board.inner_text()
    assert_accessible(resident, "notice arrived live")
    assert resident.url.endswith("/")  # no navigation happened

    # The server restarts while a notice is posted: the page reconnects and catches up.
    live_server_asgi.stop()
    resident.wait_for_selector("#live-status[data-state=closed]")
    post_announcement(
        author=User.objects.get(username="wuye"),
        organization=Compound.objects.get(name="团结公寓").property_provider,
        compound=Compound.objects.get(name="团结公寓"),
        title="第二条通知",
        body="服务器重启期间发布",
    )
    live_server_asgi.start()
    board.locator("text=第二条通知").wait_for(timeout=15_000)
    resident.context.close()
    staff.context.close()
