"""Six browser contexts in one live room: the five party delegates run an item through two
rounds to an adopted resolution, and a resident follows on the public page; every context
sees every step without reloading."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import Residency, Resolution, Unit, User, WorkOrder
from tests.sessions.helpers import DELEGATES, opened
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STANCES = ["support", "support_with_conditions", "oppose", "no_position", "support"]


def all_see(pages: dict[str, object], selector: str) -> None:
    for name, page in pages.items():
        try:
            page.wait_for_selector(selector, state="attached", timeout=10_000)
        except Exception as exc:  # name the context that missed it
            raise AssertionError(f"{name} did not see {selector}") from exc


def test_six_contexts_follow_an_item_to_an_adopted_resolution(browser, live_server_asgi) -> None:
    from tests.support.demo import Demo

    session = opened(Demo())
    viewer = User.objects.create_user("viewer", password=DEMO_PASSWORD, display_name="旁听居民")
    unit = (
        Unit.objects.filter(building__compound__name="团结公寓")
        .exclude(residencies__isnull=False)
        .first()
    )
    Residency.objects.create(user=viewer, unit=unit, relation=Residency.Relation.OCCUPANT)
    item = session.items.order_by("order").first()
    server = live_server_asgi

    delegates = {}
    for party, username in DELEGATES.items():
        page = browser_login(browser, server, username, phone=True)
        page.goto(f"{server.url}/sessions/{session.pk}/")
        wait_live(page)
        delegates[party] = page
    resident = browser_login(browser, server, "viewer", phone=True)
    resident.goto(f"{server.url}/sessions/{session.pk}/")  # not a delegate: sent to the public view
    assert resident.url.endswith(f"/sessions/{session.pk}/public/")
    wait_live(resident)
    assert resident.locator("form[data-action=speak]").count() == 0
    pages = {**{p: pg for p, pg in delegates.items()}, "resident": resident}
    chair = delegates["party_org"]
    assert_accessible(chair, "session room, chair")
    assert_accessible(delegates["provider"], "session room, delegate")
    assert_accessible(resident, "public session page")

    steps = f"#controls-session-{session.pk}"
    chair.select_option(f"{steps} select[name=open_item-item]", str(item.pk))
    chair.click(f"{steps} form[data-action=open_item] button[type=submit]")
    all_see(pages, f'#agenda-item-{item.pk}[aria-current="true"]')

    for number in (1, 2):
        chair.click(f"{steps} form[data-action=open_round] button[type=submit]")
        all_see(pages, f'.round[data-round-number="{number}"][data-round-status="open"]')
        for (party, page), stance in zip(delegates.items(), STANCES, strict=True):
            # the position form arrives live with the round (the controls are fetched again)
            form = page.locator(f'#speak-{party} form[data-action="speak"]')
            form.wait_for(timeout=10_000)
            form.locator(f'input[name=speak-stance][value="{stance}"]').check()
            form.locator("textarea[name=speak-statement]").fill(f"第{number}轮 {party} <b>意见</b>")
            form.locator("button[type=submit]").click()
            spoken = f'li[data-party="{party}"][data-stance="{stance}"]'
            all_see(pages, f'.round[data-round-number="{number}"] {spoken}')
        # The fifth position closes the round for everyone.
        all_see(pages, f'.round[data-round-number="{number}"][data-round-status="closed"]')
    assert_accessible(chair, "two rounds, chair")
    assert_accessible(resident, "two rounds, public")
    assert "<b>意见</b>" in resident.locator(".round").first.inner_text()

    deadline = (timezone.localdate() + timedelta(days=45)).isoformat()
    propose = chair.locator(f"{steps} form[data-action=propose]")
    propose.locator("textarea[name=propose-decision]").fill("更换2号楼电梯，物业牵头实施")
    propose.locator("select[name=propose-responsible_party]").select_option("provider")
    propose.locator('input[name=propose-cooperating_parties][value="owners_body"]').check()
    propose.locator("input[name=propose-deadline]").fill(deadline)
    propose.locator("textarea[name=propose-acceptance_criteria]").fill("电梯通过特种设备检验")
    propose.locator("button[type=submit]").click()
    all_see(pages, '.resolution[data-resolution-status="voting"]')
    assert_accessible(delegates["owners_body"], "resolution to vote on")

    for party, page in delegates.items():
        form = page.locator(f'#speak-{party} form[data-action="vote"]')
        form.wait_for(timeout=10_000)
        form.locator('input[name=vote-choice][value="agree"]').check()
        form.locator("button[type=submit]").click()
        all_see(pages, f'.votes li[data-party="{party}"][data-vote="agree"]')

    chair.click(f"{steps} form[data-action=decide] button[type=submit]")
    all_see(pages, '.resolution[data-resolution-status="adopted"]')
    resolution = Resolution.objects.get(item=item)
    order = WorkOrder.objects.get(
        origin_type=ContentType.objects.get_for_model(Resolution), origin_id=resolution.pk
    )
    all_see(pages, f'.assignments li[data-work-order="{order.pk}"]')
    assert_accessible(chair, "adopted, chair")
    assert_accessible(resident, "adopted, public")
    assert order.responsible.name.startswith("京朝物业")
    for page in pages.values():
        assert page.url.rstrip("/").split("/")[-1] in (str(session.pk), "public")
        page.context.close()
