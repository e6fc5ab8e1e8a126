"""One task list per person, live: the committee dispatches an order; the firm's open home
page shows "accept" without reload and takes it in one tap; the committee's open order page
gains its "verify" step the moment the firm reports the work done."""

from __future__ import annotations

import pytest

from deliberation.models import Compound, Organization, User, WorkOrder
from deliberation.services.work_orders import dispatch_work_order
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, in_own_thread, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _dispatch() -> WorkOrder:
    compound = Compound.objects.get(name="团结公寓")
    return dispatch_work_order(
        actor=User.objects.get(username="juwei"),
        responsible=Organization.objects.get(pk=compound.property_provider_id),
        title="3号楼单元门闭门器损坏<b>",
        description="单元门关不上",
        compound=compound,
    )


def test_dispatched_order_reaches_the_firms_task_list_and_the_committees_page_live(
    browser, live_server_asgi
) -> None:
    server = live_server_asgi
    firm = browser_login(browser, server, "wuye", phone=True)
    wait_live(firm)
    tasks = firm.locator("#task-list")
    assert tasks.count() == 1

    # The committee dispatches (the service its triage, session and vote steps call).
    order = in_own_thread(_dispatch)
    task = tasks.locator("li.task", has_text="3号楼单元门闭门器损坏<b>")
    task.wait_for()  # arrived without reload
    assert task.locator("button").count() == 1  # accepting needs no input: one tap
    assert firm.url == f"{server.url}/"
    assert_accessible(firm, "firm's home with a task arrived live")

    committee = browser_login(browser, server, "juwei")
    committee.goto(f"{server.url}/work-orders/{order.pk}/")
    wait_live(committee)
    controls = committee.locator(f"#controls-work_order-{order.pk}")
    assert controls.is_hidden()  # nothing is the committee's to do yet

    task.locator("button").click()  # one tap, from the list itself
    # the list now holds the next step on the order: finishing it (that needs a form)
    task.locator("button").wait_for(state="detached")
    assert task.locator("a").count() == 1
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS
    assert firm.url == f"{server.url}/"
    assert_accessible(firm, "task taken from the list")

    # The firm reports the work done on the order page's controls.
    firm.goto(f"{server.url}/work-orders/{order.pk}/")
    firm.fill("#id_complete-text", "已更换闭门器")
    firm.click("form[data-action=complete] button[type=submit]")
    firm.locator("form[data-action=complete]").wait_for(state="detached")
    assert firm.locator(f"#controls-work_order-{order.pk} form").count() == 0

    # The committee's open page gains its next step, without reload.
    verify = committee.locator(f"#controls-work_order-{order.pk} form[data-action=verify]")
    verify.wait_for()
    assert committee.url.endswith(f"/work-orders/{order.pk}/")
    assert_accessible(committee, "verify step arrived live")
    committee.check(f"#controls-work_order-{order.pk} input[name=verify-approved][value=yes]")
    committee.click("form[data-action=verify] button[type=submit]")
    verify.wait_for(state="detached")
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.VERIFIED
    for page in (firm, committee):
        page.context.close()
