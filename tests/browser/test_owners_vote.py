"""The 团结公寓 case in the browser: a petition reaches 20 %, a temporary meeting is noticed
with matters of both kinds (art. 278 (7) needs 3/4, (4) more than half), owners vote online
while staff enter paper ballots, turnout updates live, the tally publishes, and the elevator
matter becomes a work order.

The notice period is never shortened: the test moves the announced opening and closing
times into the past in the database ("time travel") after the lawful notice was published.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from deliberation.demo.votes import PETITION_TITLE
from deliberation.models import OwnersVote, User
from deliberation.services import votes as svc
from tests.support.axe import assert_accessible
from tests.support.browser import TURNOUT_IS, browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_tuanjie_petition_to_work_order(browser, live_server_asgi) -> None:
    server = live_server_asgi
    vote = OwnersVote.objects.get(title=PETITION_TITLE)
    url = f"{server.url}/votes/{vote.pk}/"
    assert vote.signatures.count() == vote.petition_needed - 1
    pk = vote.pk

    def step(name: str) -> str:
        """The submit button of an action's form in the vote's controls."""
        return f"#vote-{name}-{pk} button[type=submit]"

    done = f"#controls-vote-{pk} .notice"  # the controls say what happened

    # The owner signs on her phone; the committee chair's open page follows live.
    chair = browser_login(browser, server, "yeweihui")
    chair.goto(url)
    wait_live(chair)
    owner = browser_login(browser, server, "jumin", phone=True)
    owner.goto(url)
    wait_live(owner)
    assert_accessible(owner, "petition, owner")
    assert_accessible(chair, "petition, chair")
    owner.click(step("sign"))
    owner.wait_for_selector(done)
    assert_accessible(owner, "signed")
    chair.wait_for_selector("[data-status=convening]")
    assert chair.inner_text("[data-signed]") == str(vote.petition_needed)

    # The committee convenes; the residents' committee reviews and names its observer.
    chair.wait_for_selector(step("convene"))  # its controls followed live
    chair.click(step("convene"))
    chair.wait_for_selector("[data-status=review]")
    staff = browser_login(browser, server, "juwei")
    staff.goto(url)
    assert_accessible(staff, "review")
    staff.select_option("#id_review-observer", label="周主任（中路居委会）")
    staff.click(step("review"))
    staff.wait_for_selector("[data-status=preparing]")

    # Notice: voting may not open within 15 days — the server refuses, then accepts.
    chair.wait_for_selector(step("notice"))
    now = timezone.now()
    chair.fill("#id_notice-opens_at", local(now + timedelta(days=3)))
    chair.fill("#id_notice-closes_at", local(now + timedelta(days=20)))
    chair.click(step("notice"))
    chair.wait_for_selector(f"#controls-vote-{pk} [role=alert]")
    assert_accessible(chair, "notice refused")
    assert "15" in chair.inner_text(f"#controls-vote-{pk}")
    chair.fill("#id_notice-opens_at", local(now + timedelta(days=16)))
    chair.fill("#id_notice-closes_at", local(now + timedelta(days=30)))
    chair.fill("#id_notice-place_and_method", "线上投票与书面表决票")
    chair.click(step("notice"))
    chair.wait_for_selector("[data-status=noticed]")
    assert_accessible(chair, "noticed")
    vote.refresh_from_db()
    assert vote.voters.count() == vote.total_heads
    kinds = {m.kind for m in vote.matters.all()}
    assert {"rebuild", "manager"} <= kinds  # a 3/4 matter and a majority matter

    # Time travel: the 15 days have run.
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=timezone.now() - timedelta(minutes=1))
    staff.reload()
    staff.click(step("open"))
    staff.wait_for_selector("[data-status=voting]")

    # The owner votes online and watches turnout.
    owner.reload()
    wait_live(owner)
    assert_accessible(owner, "ballot")
    for fieldset in owner.locator(f"#vote-cast-{pk} fieldset").all():
        fieldset.locator("input[value=agree]").check()
    owner.click(step("cast"))
    owner.wait_for_selector("[data-ballot-review]")  # the review step before saving
    owner.click("[data-ballot-review] button[type=submit]")
    owner.wait_for_selector(done)
    assert owner.inner_text("[data-turnout-heads]") == "1"
    assert_accessible(owner, "voted")

    # Staff enter a paper ballot; a second person confirms it; the owner's page updates.
    staff.reload()
    wait_live(staff)
    assert_accessible(staff, "paper ballots")
    paper_owner = vote.voters.filter(person__username__startswith="owner-").order_by("label")[0]
    staff.click(f"#controls-vote-{pk} details:has(#vote-paper-{pk}) summary")
    staff.select_option("#id_paper-voter", value=str(paper_owner.pk))
    staff.select_option("#id_paper-matter", index=0)
    staff.select_option("#id_paper-choice", value="agree")
    staff.click(step("paper"))
    staff.wait_for_selector(done)
    chair.reload()
    chair.wait_for_selector(".paper-confirm")
    assert_accessible(chair, "paper ballot to confirm")
    chair.select_option(".paper-confirm select", value="agree")
    chair.click(".paper-confirm button[type=submit]")
    owner.wait_for_function(TURNOUT_IS, arg="2")

    # Many more owners return paper ballots (entered and confirmed through the services);
    # the owner's page shows the quorum reached without reloading.
    juwei, yeweihui = User.objects.get(username="juwei"), User.objects.get(username="yeweihui")
    matters = list(vote.matters.order_by("position"))
    voters = list(vote.voters.exclude(pk=paper_owner.pk).exclude(person__username="jumin")[:32])

    def enter_and_confirm() -> None:
        for v in voters:
            for m in matters:
                b = svc.enter_paper_ballot(actor=juwei, matter=m, voter=v, choice="agree")
                svc.confirm_paper_ballot(actor=yeweihui, ballot=b, choice="agree")
        connection.close()

    # In a thread of its own, like a request: Playwright's sync API keeps an event loop
    # running on this one, where the outbox's publish (async_to_sync) cannot run.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(enter_and_confirm).result()
    owner.locator(f"#vote-{vote.pk}-turnout .status-done").first.wait_for(timeout=15_000)
    assert int(owner.inner_text("[data-turnout-heads]")) >= 34

    # Voting closes at the announced time; the count runs; the chair publishes.
    OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    staff.reload()
    staff.click(step("close"))
    staff.wait_for_selector("[data-status=tallied]")
    chair.reload()
    chair.click(step("publish"))
    chair.wait_for_selector("[data-status=published]")
    assert_accessible(chair, "published")

    # The owner's page shows the results live; the elevator matter is now a work order.
    owner.wait_for_selector("[data-status=published]")
    assert owner.locator("[data-outcome=passed]").count() == len(matters)
    owner.wait_for_selector("[data-work-order]")
    assert_accessible(owner, "results, arrived live")
    elevator = vote.matters.get(kind="rebuild")
    assert elevator.work_order is not None
    assert elevator.work_order.responsible == vote.compound.property_provider
    for page in (owner, chair, staff):
        page.context.close()
