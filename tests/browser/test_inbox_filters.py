"""A firm's dispatcher keeps the inbox open, filtered: a new order matching the filter
arrives live and the section stays filtered; one that does not match never shows (the
pushed copy is everyone's, unfiltered: the page fetches its own instead)."""

from __future__ import annotations

import pytest

from deliberation.models import Compound, Organization, User, WorkOrder
from deliberation.services.work_orders import dispatch_work_order
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, in_own_thread, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _dispatch(title: str) -> WorkOrder:
    compound = Compound.objects.get(name="团结公寓")
    return dispatch_work_order(
        actor=User.objects.get(username="juwei"),
        responsible=Organization.objects.get(pk=compound.property_provider_id),
        title=title,
        description="—",
        compound=compound,
    )


def test_a_filtered_inbox_stays_filtered_when_orders_arrive(browser, live_server_asgi) -> None:
    server = live_server_asgi
    firm = Compound.objects.get(name="团结公寓").property_provider_id
    page = browser_login(browser, server, "wuye")
    page.goto(f"{server.url}/inbox/?orders-{firm}-q=电梯")
    wait_live(page)
    section = page.locator(f"#inbox-{firm}")
    assert page.locator(f"#orders-{firm}-filters[open]").count() == 1

    other = in_own_thread(lambda: _dispatch("楼道灯不亮"))
    lift = in_own_thread(lambda: _dispatch("2号楼电梯异响"))
    section.locator(f"#inbox-row-{lift.pk}").wait_for()  # arrived, without reload
    assert section.locator(f"#inbox-row-{other.pk}").count() == 0
    assert "电梯" in page.input_value(f"#id_orders-{firm}-q")  # what the form says
    assert_accessible(page, "a filtered inbox after a live arrival")
    page.context.close()
