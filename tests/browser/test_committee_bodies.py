"""The 物管会 of 中路北六条 formed through its page (docs/law.md §5): the subdistrict enters a
composition the rules refuse — the page says so as the form is filled, and the server refuses
it listing every problem — then corrects it and the committee is formed."""

from __future__ import annotations

import pytest

from deliberation.models import CommitteeBody, Compound, User
from deliberation.selectors.owner_register import owner_register
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_zhonglu_pm_committee_refused_then_formed(browser, live_server_asgi) -> None:
    server = live_server_asgi
    compound = Compound.objects.get(name="中路北六条")
    ids = [h.person_id for h in owner_register(compound).heads if h.person_id][:4]
    owners = [str(pk) for pk in ids]
    community = [str(User.objects.get(username=u).pk) for u in ("juwei", "shuji", "jiedao")]
    form = f"#compound-form_pm_committee-{compound.pk}"
    check = f"#compound-form_pm_committee-{compound.pk}-check"

    def row(i: int, person: str, seat: str) -> None:
        page.select_option(f"{form} #id_form_pm_committee-person_{i}", person)
        page.select_option(f"{form} #id_form_pm_committee-seat_{i}", seat)

    page = browser_login(browser, server, "jiedao")
    page.goto(f"{server.url}/compounds/{compound.pk}/committee/")
    page.click(f"details:has({form}) > summary")
    # Three owners of six, chaired by an owner: the page answers as the rows are chosen.
    for i, person in enumerate(owners[:3], 1):
        row(i, person, "owner")
    for i, (person, seat) in enumerate(
        zip(community, ["residents_committee", "party", "subdistrict"], strict=True), 4
    ):
        row(i, person, seat)
    page.select_option(f"{form} #id_form_pm_committee-chair", owners[0])
    # Each change asks again; wait for the answer to the whole composition (at least 7).
    page.locator(f"{check} [data-check=refused]", has_text="7").wait_for()
    said = page.inner_text(check)
    assert "7" in said  # at least 7 members
    assert_accessible(page, "composition refused while filling")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector(f"#controls-compound-{compound.pk} [role=alert]")
    refused = page.inner_text(f"#controls-compound-{compound.pk}")
    assert "7" in refused and ("居委会" in refused or "residents' committee" in refused)
    assert not CommitteeBody.objects.filter(compound=compound).exists()
    assert_accessible(page, "composition refused by the server")
    # Corrected: a fourth owner, and the residents' committee's representative chairs.
    row(7, owners[3], "owner")
    page.select_option(f"{form} #id_form_pm_committee-chair", community[0])
    page.wait_for_selector(f"{check} [data-check=ok]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("section[id^=body-] p.notice")  # the page reloads with the body
    body = CommitteeBody.objects.get(compound=compound, kind="pm_committee")
    assert body.seats.count() == 7
    assert_accessible(page, "物管会 formed")
