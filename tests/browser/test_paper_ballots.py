"""Printed ballots in the browser (issue 13 §2, 团结公寓): the residents' committee prints
an owner's ballot from the meeting's page, types the code from the paper into the entry
form, the chair confirms it from the paper, and the owner's turnout counts it."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from deliberation.demo.votes import MEETING_TITLE
from deliberation.models import Ballot, OwnersVote
from tests.support.axe import assert_accessible
from tests.support.browser import TURNOUT_IS, browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_printed_ballot_entered_by_its_code_and_confirmed(browser, live_server_asgi) -> None:
    server = live_server_asgi
    vote = OwnersVote.objects.get(title=MEETING_TITLE)
    pk, url = vote.pk, f"{server.url}/votes/{vote.pk}/"
    owner = vote.voters.exclude(pk__in=Ballot.objects.values("voter_id")).exclude(
        person__username__in=["jumin", "yeweihui"]
    )[0]

    staff = browser_login(browser, server, "juwei")
    staff.goto(url)
    wait_live(staff)
    links = staff.locator("nav.documents a")
    assert "书面表决票（PDF）" in links.all_inner_texts()
    assert_accessible(staff, "meeting with its documents")
    # One owner's ballot, as printed again for them (the link prints all still out).
    response = staff.request.get(f"{url}ballots.pdf?voter={owner.pk}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    text = "".join((PdfReader(io.BytesIO(response.body())).pages[0].extract_text()).split())
    code = re.search(rf"{pk}-{owner.pk}-[0-9A-F]{{4}}", text)[0]

    before = vote.voters.filter(ballots__confirmed=True).distinct().count()
    staff.click(f"#controls-vote-{pk} details:has(#vote-paper-{pk}) summary")
    staff.fill("#id_paper-code", code)
    staff.select_option("#id_paper-matter", index=0)
    staff.select_option("#id_paper-choice", value="disagree")
    staff.click(f"#vote-paper-{pk} button[type=submit]")
    staff.wait_for_selector(f"#controls-vote-{pk} .notice")
    assert owner.label in staff.inner_text(f"#controls-vote-{pk} .notice")

    chair = browser_login(browser, server, "yeweihui")
    chair.goto(url)
    chair.wait_for_selector(".paper-confirm")
    assert code in chair.inner_text(".paper-confirm")  # matched against the paper's code
    chair.select_option(".paper-confirm select", value="disagree")
    chair.click(".paper-confirm button[type=submit]")
    chair.wait_for_function(TURNOUT_IS, arg=str(before + 1))
    ballot = Ballot.objects.get(voter=owner)
    assert ballot.confirmed and ballot.channel == "paper" and ballot.choice == "disagree"
    for page in (staff, chair):
        page.context.close()
