"""Paper that prints (issue 13 §2): each document of a meeting or session as a PDF with its
Chinese text and its fonts embedded, each rendered once, for those the policy allows."""

from __future__ import annotations

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.models import Ballot, OwnersVote, Voter
from deliberation.selectors.ballot_codes import ballot_code
from deliberation.selectors.documents import ballot_documents, notice_document, vote_for_print
from tests.hardening import growth_sessions, surfaces_votes
from tests.support.clients import login_client
from tests.support.pdf import read_pdf, squeezed


def _fonts_travel(printed) -> None:
    assert printed.fonts and not printed.unembedded, (printed.fonts, printed.unembedded)
    assert any("CJK" in f for f in printed.fonts), printed.fonts


def test_meeting_notice_states_matters_dates_basis_and_where_to_vote(demo) -> None:
    vote = surfaces_votes.meeting(demo)
    response = login_client(demo.user("jumin")).get(reverse("vote-notice-pdf", args=[vote.pk]))
    assert response["Content-Disposition"] == f'inline; filename="notice-{vote.pk}.pdf"'
    printed = read_pdf(response)
    _fonts_travel(printed)
    text = squeezed(printed.text)
    assert "业主大会会议通知" in text and "团结公寓全体业主" in text
    for matter in vote.matters.all():
        assert squeezed(matter.title) in text
    assert "第二百七十八条" in text and "第三十五条" in text
    assert "团结公寓业主委员会" in text and "（盖章）" in text
    assert squeezed(vote.place_and_method) in text
    assert f"/votes/{vote.pk}/" in text  # the voting page, also as the QR code
    assert "扫码在线投票" in text


def test_paper_ballot_per_owner_with_unit_area_and_code(demo) -> None:
    vote = surfaces_votes.noticed(demo)
    keep = list(vote.voters.order_by("label", "pk")[:3])  # a small register: fast to print
    Voter.objects.filter(vote=vote).exclude(pk__in=[v.pk for v in keep]).delete()
    url = reverse("vote-ballots-pdf", args=[vote.pk])
    assert login_client(demo.user("jumin")).get(url).status_code == 403  # names and areas
    response = login_client(demo.user("juwei")).get(url)
    assert response["Content-Disposition"] == f'inline; filename="ballots-{vote.pk}.pdf"'
    printed = read_pdf(response)
    assert len(printed.pages) == len(keep)  # one sheet per owner
    for page, voter in zip(printed.pages, keep, strict=True):
        page = squeezed(page)
        assert "业主大会书面表决票" in page and "团结公寓业主委员会" in page
        assert squeezed(voter.label) in page and squeezed(voter.units) in page
        assert f"{voter.area:.2f}" in page
        assert ballot_code(vote.pk, voter.pk) in page
        assert "同意" in page and "反对" in page and "弃权" in page
    _fonts_travel(printed)


def test_ballots_to_print_are_those_not_yet_returned(demo) -> None:
    vote = surfaces_votes.meeting(demo)  # 28 paper ballots already entered and confirmed
    voted = set(Ballot.objects.filter(matter__vote=vote).values_list("voter_id", flat=True))
    printed = {b.voter.pk for b in ballot_documents(vote)["ballots"]}
    assert voted and printed and not printed & voted
    assert printed | voted == set(vote.voters.values_list("pk", flat=True))
    juwei = login_client(demo.user("juwei"))
    url = reverse("vote-ballots-pdf", args=[vote.pk])
    assert juwei.get(url, {"voter": "x"}).status_code == 404
    other = surfaces_votes.noticed(demo).voters.first()
    assert juwei.get(url, {"voter": str(other.pk)}).status_code == 404  # not this meeting's


def test_petition_form_counts_signatures_without_naming_them(demo) -> None:
    vote = surfaces_votes.petition(demo)
    printed = read_pdf(
        login_client(demo.user("jumin")).get(reverse("vote-petition-pdf", args=[vote.pk]))
    )
    text = squeezed(printed.text)
    assert "提议召开临时业主大会征集表" in text and "第三十五条" in text
    assert f"需签名：{vote.petition_needed}" in text
    assert f"已签名（线上和纸质）：{vote.signatures.count()}" in text
    for sig in vote.signatures.all():
        assert squeezed(sig.label) not in text
    _fonts_travel(printed)


def test_results_announcement_draft_for_the_publisher_then_public(demo) -> None:
    vote = surfaces_votes.tallied(demo)
    url = reverse("vote-results-pdf", args=[vote.pk])
    assert login_client(demo.user("jumin")).get(url).status_code == 403  # not yet posted
    assert "草稿" in squeezed(read_pdf(login_client(demo.user("juwei")).get(url)).text)
    from deliberation.services import votes as svc

    svc.publish_results(actor=demo.user("yeweihui"), vote=vote)
    printed = read_pdf(login_client(demo.user("jumin")).get(url))
    text = squeezed(printed.text)
    assert "业主大会表决结果公告" in text and "草稿" not in text
    assert "3日内" in text and "第三十七条" in text
    for matter in vote.matters.all():
        heads, area = matter.tally["strict"]["agree"]
        assert f"{heads}/{float(area):.2f}" in text
    _fonts_travel(printed)


def test_minutes_print_as_published(demo) -> None:
    session = growth_sessions.minuted_session(demo)
    jumin = login_client(demo.user("jumin"))
    url = reverse("session-minutes-pdf", args=[session.pk])
    assert (
        f'href="{url}"' in jumin.get(reverse("session-minutes", args=[session.pk])).content.decode()
    )
    printed = read_pdf(jumin.get(url))
    text = squeezed(printed.text)
    assert "协商会议纪要" in text and squeezed(session.title) in text
    assert squeezed(session.minutes.text.splitlines()[0]) in text
    _fonts_travel(printed)


def test_documents_not_yet_or_no_longer_printable_are_not_found(demo) -> None:
    juwei = login_client(demo.user("juwei"))
    petition = surfaces_votes.petition(demo)
    assert juwei.get(reverse("vote-notice-pdf", args=[petition.pk])).status_code == 404
    assert juwei.get(reverse("vote-results-pdf", args=[petition.pk])).status_code == 404
    meeting = surfaces_votes.meeting(demo)
    assert meeting.status == OwnersVote.Status.VOTING
    assert juwei.get(reverse("vote-petition-pdf", args=[meeting.pk])).status_code == 404
    assert juwei.get(reverse("vote-notice-pdf", args=[10**9])).status_code == 404


def test_a_documents_queries_do_not_grow_with_the_register(demo) -> None:
    """What the PDF views gather and their templates read (WeasyPrint itself never queries):
    the same number of queries for the whole register as for three owners."""

    def queries(pk: int, document, template: str) -> int:
        vote = vote_for_print(pk)
        with CaptureQueriesContext(connection) as seen:
            render_to_string(template, document(vote))
        return len(seen)

    vote = surfaces_votes.noticed(demo)
    full = [
        queries(vote.pk, ballot_documents, "documents/ballots.html"),
        queries(vote.pk, notice_document, "documents/notice.html"),
    ]
    assert vote.voters.count() > 10
    Voter.objects.filter(vote=vote).exclude(
        pk__in=list(vote.voters.order_by("pk").values_list("pk", flat=True)[:3])
    ).delete()
    small = [
        queries(vote.pk, ballot_documents, "documents/ballots.html"),
        queries(vote.pk, notice_document, "documents/notice.html"),
    ]
    assert full == small, (full, small)
    assert max(full) <= 3
