"""Assisted signing in the browser (issue 11 §3): the residents' committee enters, for an
owner who phoned, their signature on a petition. The form refuses a phone signature without
its call (error summary, accessible), then takes it; the committee's open page shows "由 …
代 … 登记（电话）" live, and the owner's page says who entered it for them."""

from __future__ import annotations

import pytest
from django.utils import timezone

from deliberation.models import OwnersVote
from deliberation.selectors.owner_register import head_key
from deliberation.services import votes as svc
from tests.hardening import surfaces_votes as sv
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, in_own_thread, wait_live
from tests.support.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _petition(demo: Demo) -> OwnersVote:
    roles = {demo.user("jumin").pk, demo.user("yeweihui").pk}
    starter = next(u for u in sv.owners_of(demo.tuanjie, 10) if u.pk not in roles)
    return svc.start_petition(
        actor=starter, compound=demo.tuanjie, title="代签浏览器测试", matters=sv._other_matters()
    )


def test_the_committee_enters_a_phone_signature_for_an_owner(browser, live_server_asgi) -> None:
    server = live_server_asgi
    tdemo = Demo()
    vote = in_own_thread(lambda: _petition(tdemo))
    url = f"{server.url}/votes/{vote.pk}/"
    jumin = tdemo.user("jumin")
    chair = browser_login(browser, server, "yeweihui")  # the owners' committee follows live
    chair.goto(url)
    wait_live(chair)
    staff = browser_login(browser, server, "juwei")
    staff.goto(url)
    form = f"#vote-sign_for-{vote.pk}"
    staff.click(f"details:has({form}) > summary")
    staff.select_option("#id_sign_for-key", head_key(person_id=jumin.pk))
    staff.check("#id_sign_for-how_2")  # by phone, but no call noted
    staff.click(f"{form} button[type=submit]")
    staff.wait_for_selector("[data-error-summary]")
    assert_accessible(staff, "phone signature refused")
    assert OwnersVote.objects.get(pk=vote.pk).signatures.count() == 1
    staff.select_option("#id_sign_for-key", head_key(person_id=jumin.pk))
    staff.check("#id_sign_for-how_2")
    staff.fill("#id_sign_for-call_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    staff.fill("#id_sign_for-call_note", "业主本人来电 13800000000")
    staff.click(f"{form} button[type=submit]")
    staff.wait_for_selector(f"#controls-vote-{vote.pk} .notice")
    entered = f"#vote-{vote.pk}-signatures [data-how=phone]"
    chair.wait_for_selector(entered)  # pushed to the committee's open page
    assert f"代 {jumin} 登记（电话）" in chair.inner_text(entered)
    owner = browser_login(browser, server, "jumin", phone=True)
    owner.goto(url)
    assert "代为登记（电话）" in owner.inner_text("[data-my-signature=phone]")
    assert_accessible(owner, "signature entered for the owner")
