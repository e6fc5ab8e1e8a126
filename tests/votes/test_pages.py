"""Committee and vote pages: who sees what, bad input, the session referral hook."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.law.owners_votes import MatterKind
from deliberation.models import CommitteeElection, OwnersVote
from deliberation.services import votes as svc
from tests.support.clients import login_client


def _act(kind: str, pk: int, name: str) -> str:
    return reverse("action", args=[kind, pk, name])


def test_committee_page_and_election_planning(demo) -> None:
    url = reverse("committee-page", args=[demo.tuanjie.pk])
    assert login_client(demo.user("jumin")).get(url).status_code == 200
    assert login_client(demo.user("jumin2")).get(url).status_code == 403
    juwei = login_client(demo.user("juwei"))
    page = juwei.get(url).content.decode()
    assert "团结公寓业主委员会" in page and "2027年11月30日" in page  # re-election report due
    start = _act("compound", demo.tuanjie.pk, "start_election")
    assert f'action="{start}"' in page
    r = juwei.post(
        start,
        {
            "start_election-seats": "4",
            "start_election-alternates": "0",
            "start_election-term_years": "5",
        },
    )
    assert r.status_code == 400 and "单数" in r.content.decode()
    assert not CommitteeElection.objects.exists()
    r = juwei.post(start, {"start_election-seats": "x"})
    assert r.status_code == 400
    r = juwei.post(
        start,
        {
            "start_election-seats": "5",
            "start_election-alternates": "2",
            "start_election-term_years": "5",
        },
    )
    assert r.status_code == 302
    election = CommitteeElection.objects.get()
    nominate = _act("election", election.pk, "nominate")
    r = juwei.post(
        nominate, {"nominate-person": demo.user("wuye").pk, "nominate-nominated_by": "owners"}
    )
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()
    r = juwei.post(
        nominate, {"nominate-person": demo.user("jumin").pk, "nominate-nominated_by": "party"}
    )
    assert r.status_code == 302
    assert election.candidates.get().person == demo.user("jumin")
    denied = login_client(demo.user("jumin")).post(
        start, {"start_election-seats": "5", "start_election-term_years": "5"}
    )
    assert denied.status_code == 403
    with CaptureQueriesContext(connection) as q:
        assert juwei.get(url).status_code == 200
    assert len(q) <= 30


def test_session_referral_hook(demo) -> None:
    vote = svc.propose_from_session(
        actor=demo.user("shuji"),
        compound=demo.tuanjie,
        title="议事协商会提请业主大会表决",
        matters=[svc.MatterSpec(MatterKind.COMMON_PARTS, "利用地下空间开设便民超市")],
        origin="议事协商会 #12 决议 3",
    )
    assert vote.origin == OwnersVote.Origin.SESSION and vote.status == OwnersVote.Status.REVIEW
    assert vote.matters.get().needs_three_quarters
    page = login_client(demo.user("jumin")).get(reverse("vote-detail", args=[vote.pk]))
    assert "议事协商会 #12 决议 3" in page.content.decode()


def test_proposal_form_bad_input_and_escaping(demo) -> None:
    client = login_client(demo.user("yeweihui"))
    url = _act("compound", demo.tuanjie.pk, "propose")
    page = client.get(reverse("compound-votes", args=[demo.tuanjie.pk])).content.decode()
    assert f'action="{url}"' in page
    r = client.post(url, {"propose-title": "无事项"})
    assert r.status_code == 400 and "至少列入一项" in r.content.decode()
    r = client.post(
        url, {"propose-title": "t", "propose-matter_title_1": "x", "propose-matter_kind_1": "tenth"}
    )
    assert r.status_code == 400
    r = client.post(
        url,
        {
            "propose-title": "<script>alert(1)</script>",
            "propose-matter_title_1": "m",
            "propose-matter_kind_1": "other",
        },
    )
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    # An owner without committee rights starts a petition instead.
    jumin = login_client(demo.user("jumin"))
    assert jumin.post(url, {"propose-title": "x"}).status_code == 403
    r = jumin.post(
        _act("compound", demo.tuanjie.pk, "petition"),
        {
            "petition-title": "联名",
            "petition-matter_title_1": "m",
            "petition-matter_kind_1": "other",
        },
    )
    assert r.status_code == 302
    assert OwnersVote.objects.get(title="联名").status == OwnersVote.Status.PETITIONING


def test_register_page_explains_totals(demo) -> None:
    url = reverse("owner-register", args=[demo.tuanjie.pk])
    page = login_client(demo.user("juwei")).get(url).content.decode()
    assert "47 名业主" in page and "一名业主拥有多套" in page
    assert login_client(demo.user("jumin")).get(url).status_code == 403


def test_refused_actions_are_403_whatever_is_posted(demo) -> None:
    """The rule is asked before the input is read: a refused user never gets a 400 that
    describes the form (found by the permission matrix: review without an observer, a chair
    without an election answered 400 to residents)."""
    from deliberation.services.votes import MatterSpec, propose_vote

    vote = propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title="审核中",
        matters=[MatterSpec("other", "x")],
    )
    jumin = login_client(demo.user("jumin"))
    actions = ("review", "paper", "confirm", "notice", "sign_for", "publish", "order")
    for action in (*actions, "open", "close", "delivered"):  # the ballot box is the staff's
        r = jumin.post(_act("vote", vote.pk, action), {})
        assert r.status_code == 403, action
    assert jumin.post(_act("vote", vote.pk, "nonsense")).status_code == 404
    for action in ("start_election", "propose"):
        r = jumin.post(_act("compound", demo.tuanjie.pk, action), {})
        assert r.status_code == 403, action
    vote.refresh_from_db()
    assert vote.status == vote.Status.REVIEW


def test_areas_read_as_square_metres_with_two_decimals(demo) -> None:
    """The turnout and the register show areas as 2,450.95 m², never the database's full
    scale ("2450.95000000000"), in both languages."""
    import re

    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    client = login_client(demo.user("yeweihui"))
    for lang in ("zh-hans", "en"):
        page = client.get(
            reverse("vote-detail", args=[vote.pk]), HTTP_ACCEPT_LANGUAGE=lang
        ).content.decode()
        shown = re.search(r"data-turnout-area>([^<]*)</strong> / ([^ ]*) m²", page)
        assert shown is not None, page
        for figure in shown.groups():
            assert re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{2}", figure), figure
    register = client.get(reverse("owner-register", args=[vote.compound_id])).content.decode()
    assert not re.search(r"\d\.\d{3,}", register)
