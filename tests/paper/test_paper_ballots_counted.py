"""Printed ballots entered twice and counted, then the results published with the PDF
announcement (issue 13 §2, the journey on 团结公寓): the code on the paper picks the owner
at entry, a second person confirms, and the announcement counts those ballots."""

from __future__ import annotations

import re

from django.urls import reverse

from deliberation.models import Ballot, Matter, OwnersVote
from deliberation.selectors.votes import turnout
from tests.hardening import surfaces_votes
from tests.support.clients import login_client
from tests.support.pdf import read_pdf, squeezed


def _act(vote: OwnersVote, name: str) -> str:
    return reverse("action", args=["vote", vote.pk, name])


def _printed_code(client, vote: OwnersVote, voter_id: int) -> str:
    url = reverse("vote-ballots-pdf", args=[vote.pk])
    page = squeezed(read_pdf(client.get(url, {"voter": str(voter_id)})).text)
    found = re.search(rf"{vote.pk}-{voter_id}-[0-9A-F]{{4}}", page)
    assert found, page
    return found[0]


def test_printed_ballots_entered_twice_counted_and_announced(demo) -> None:
    vote = surfaces_votes.meeting(demo)
    juwei, yeweihui = login_client(demo.user("juwei")), login_client(demo.user("yeweihui"))
    waiting = (
        vote.voters.exclude(pk__in=Ballot.objects.values("voter_id"))
        .exclude(person=demo.user("jumin"))
        .order_by("label")[:2]
    )
    codes = {v.pk: _printed_code(juwei, vote, v.pk) for v in waiting}
    matters = list(Matter.objects.filter(vote=vote).order_by("position"))

    # A mistyped code names nobody: a clear message, nothing recorded.
    first = next(iter(codes.values()))
    wrong = first[:-1] + ("0" if first[-1] != "0" else "1")
    r = juwei.post(
        _act(vote, "paper"),
        {"paper-code": wrong, "paper-matter": matters[0].pk, "paper-choice": "agree"},
    )
    assert r.status_code == 400 and "此编号不属于本次会议的表决票" in r.content.decode()
    for hostile in ("1" * 500, f"{first}\x00", "<script>1</script>"):
        r = juwei.post(
            _act(vote, "paper"),
            {"paper-code": hostile, "paper-matter": matters[0].pk, "paper-choice": "agree"},
        )
        assert r.status_code == 400 and "<script>1" not in r.content.decode()
    assert not Ballot.objects.filter(voter_id__in=codes, matter__vote=vote).exists()

    for code in codes.values():  # the code typed in lower case, with spaces, still reads
        for m in matters:
            r = juwei.post(
                _act(vote, "paper"),
                {"paper-code": f" {code.lower()} ", "paper-matter": m.pk, "paper-choice": "agree"},
            )
            assert r.status_code == 302, r.content.decode()[:500]
    entered = Ballot.objects.filter(voter_id__in=codes, matter__vote=vote)
    assert entered.count() == 2 * len(matters) and not entered.filter(confirmed=True).exists()
    before = turnout(vote).voted.heads

    for ballot in entered.order_by("id"):  # the second person reads the paper again
        r = yeweihui.post(
            _act(vote, "confirm"), {"confirm-ballot": ballot.pk, "confirm-choice": "agree"}
        )
        assert r.status_code == 302
    assert entered.filter(confirmed=True).count() == 2 * len(matters)
    assert turnout(vote).voted.heads == before + 2

    vote = surfaces_votes.tallied(demo)  # closed at its announced time and counted
    assert (
        login_client(demo.user("jumin"))
        .get(reverse("vote-detail", args=[vote.pk]))
        .content.decode()
        .count("results.pdf")
        == 0
    )  # not posted yet
    assert yeweihui.post(_act(vote, "publish")).status_code == 302
    page = login_client(demo.user("jumin")).get(reverse("vote-detail", args=[vote.pk]))
    results_url = reverse("vote-results-pdf", args=[vote.pk])
    assert f'href="{results_url}"' in page.content.decode()
    text = squeezed(read_pdf(login_client(demo.user("jumin")).get(results_url)).text)
    assert "业主大会表决结果公告" in text
    assert f"{before + 2}（" in text  # the owners who took part, the paper ones included
    for m in Matter.objects.filter(vote=vote):
        heads, area = m.tally["strict"]["agree"]
        assert f"{heads}/{float(area):.2f}" in text
