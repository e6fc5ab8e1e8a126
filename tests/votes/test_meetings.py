"""Meetings with their documents (issue 13 §1): a proposal of any number of matters with
text, documents and a follow-up that works; adopted rules with history."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deliberation.demo.votes import PETITION_TITLE
from deliberation.errors import InvalidInput
from deliberation.law.owners_votes import MatterKind, Unanswered
from deliberation.models import (
    AdoptedText,
    Ballot,
    BallotReceipt,
    Compound,
    EvaluationCycle,
    EvaluationResult,
    Matter,
    MatterDocument,
    MeetingRules,
    Organization,
    OwnersVote,
    Voter,
)
from deliberation.services import vote_effects
from deliberation.services import votes as svc
from deliberation.services.votes.counting import matter_tallies
from deliberation.services.votes.proposal import MAX_MATTERS
from tests.support.clients import login_client

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _propose_url(compound: Compound) -> str:
    return reverse("action", args=["compound", compound.pk, "propose"])


def _row(i: int, title: str, kind: str, **extra: str) -> dict[str, str]:
    data = {f"propose-matter_title_{i}": title, f"propose-matter_kind_{i}": kind}
    data.update({f"propose-matter_{k}_{i}": v for k, v in extra.items()})
    return data


def test_five_matters_with_text_documents_and_a_chosen_firm(demo) -> None:
    firm = Organization.objects.get(name="湖畔物业管理有限公司（示例）")
    client = login_client(demo.user("yeweihui"))
    page = client.get(reverse("compound-votes", args=[demo.tuanjie.pk])).content.decode()
    # every firm is offered, alliance members marked; three rows are drawn, the others are
    # made on the page from one template row, up to twenty
    assert "湖畔物业管理有限公司（示例）（物业服务联盟成员）" in page
    assert 'data-matter-row="3"' in page and 'data-matter-row="4"' not in page
    assert 'name="propose-matter_title___N__"' in page and 'data-max="20"' in page
    data = {
        "propose-title": "团结公寓2026年第一次临时业主大会",
        **_row(1, "选聘湖畔物业", "manager", effect="property_firm", firm=str(firm.pk)),
        **_row(2, "更换电梯", "rebuild", effect="work_order", text="更换1、2号楼电梯"),
        **_row(3, "使用维修资金", "use_fund"),
        **_row(5, "修订议事规则", "meeting_rules", effect="adopt_text", text="第一条 …"),
        **_row(7, "公共收益使用规则", "other", text="公共收益按季度公示"),
        "propose-matter_documents_2": SimpleUploadedFile("报价单.pdf", PDF, "application/pdf"),
    }
    r = client.post(_propose_url(demo.tuanjie), data)
    assert r.status_code == 302, r.content.decode()[:2000]
    vote = demo.tuanjie.owners_votes.get(title="团结公寓2026年第一次临时业主大会")
    matters = list(vote.matters.order_by("position"))
    assert [m.position for m in matters] == [1, 2, 3, 4, 5]  # gaps closed
    assert matters[0].effect_organization == firm
    assert matters[1].description == "更换1、2号楼电梯"
    doc = MatterDocument.objects.get(matter=matters[1])
    assert doc.name == "报价单.pdf" and doc.content_type == "application/pdf"
    assert doc.file.read() == PDF
    page = client.get(r["Location"]).content.decode()
    assert "报价单.pdf" in page and "公共收益按季度公示" in page


def test_proposal_refuses_effects_that_could_not_be_carried_out(demo) -> None:
    client = login_client(demo.user("yeweihui"))
    url = _propose_url(demo.tuanjie)
    current = demo.tuanjie.property_provider
    cases = [
        # a new firm without choosing it
        (_row(1, "选聘物业", "manager", effect="property_firm"), "从列表中选择新的物业"),
        # the firm that already serves the compound
        (
            _row(1, "续聘", "manager", effect="property_firm", firm=str(current.pk)),
            "已在为本小区服务",
        ),
        # a new firm on a matter that is not art. 278 (4)
        (_row(1, "x", "other", effect="property_firm"), "第二百七十八条第（四）项"),
        # adopted rules without their text
        (_row(1, "修订议事规则", "meeting_rules", effect="adopt_text"), "全文"),
        (
            {
                **_row(1, "x", "use_fund"),
                "propose-matter_documents_1": SimpleUploadedFile("a.exe", b"MZ\x90\x00", "x"),
            },
            "不是 PDF",
        ),
    ]
    for row, message in cases:
        r = client.post(url, {"propose-title": "t", **row})
        assert r.status_code == 400, row
        assert message in r.content.decode(), (row, r.content.decode()[:3000])
    assert not demo.tuanjie.owners_votes.filter(title="t").exists()
    assert not MatterDocument.objects.exists()


def test_work_order_needs_a_named_party_where_the_compound_has_no_provider(demo) -> None:
    Compound.objects.filter(pk=demo.tuanjie.pk).update(
        property_provider=None, management_mode=Compound.ManagementMode.NONE
    )
    client = login_client(demo.user("yeweihui"))
    r = client.post(
        _propose_url(demo.tuanjie),
        {"propose-title": "t", **_row(1, "更换电梯", "rebuild", effect="work_order")},
    )
    assert r.status_code == 400 and "没有物业服务人" in r.content.decode()
    firm = Organization.objects.get(name="安居物业服务有限公司（示例）")
    r = client.post(
        _propose_url(demo.tuanjie),
        {
            "propose-title": "t",
            **_row(1, "更换电梯", "rebuild", effect="work_order", responsible=str(firm.pk)),
        },
    )
    assert r.status_code == 302
    assert Matter.objects.get(title="更换电梯").effect_organization == firm


def test_more_than_the_maximum_of_matters_is_refused(demo) -> None:
    specs = [svc.MatterSpec(MatterKind.OTHER, f"m{i}") for i in range(MAX_MATTERS + 1)]
    try:
        svc.propose_vote(
            actor=demo.user("yeweihui"), compound=demo.tuanjie, title="t", matters=specs
        )
    except InvalidInput as e:
        assert str(MAX_MATTERS) in str(e)
    else:
        raise AssertionError("21 matters accepted")


def test_adopted_rules_become_the_current_version_with_history(demo) -> None:
    vote = svc.propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title="t",
        matters=[
            svc.MatterSpec(MatterKind.MEETING_RULES, "议事规则", "第一版", effect="adopt_text"),
            svc.MatterSpec(MatterKind.MEETING_RULES, "议事规则修订", "第二版", effect="adopt_text"),
        ],
    )
    for matter in vote.matters.order_by("position"):
        vote_effects.carry_out(actor=demo.user("yeweihui"), vote=vote, matter=matter)
    texts = list(AdoptedText.objects.filter(compound=demo.tuanjie).order_by("version"))
    assert [(t.version, t.text) for t in texts] == [(1, "第一版"), (2, "第二版")]
    page = login_client(demo.user("jumin")).get(reverse("compound-votes", args=[demo.tuanjie.pk]))
    body = page.content.decode()
    assert "第二版" in body and "第 2 版" in body


# --- the ballot: review with the consequence of blanks, receipt, later check ------------------


def _meeting(demo) -> OwnersVote:
    return OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")


def test_blank_matters_are_shown_with_their_consequence_before_anything_is_saved(demo) -> None:
    vote = _meeting(demo)
    jumin = demo.user("jumin")
    client = login_client(jumin)
    url = reverse("action", args=["vote", vote.pk, "cast"])
    first, second, *rest = list(vote.matters.order_by("position"))
    choices = {f"cast-choice_{first.pk}": "agree", f"cast-choice_{second.pk}": "disagree"}
    r = client.post(url, choices)
    body = r.content.decode()
    assert r.status_code == 400 and "data-ballot-review" in body
    assert "请核对" in body and "尚未保存" in body  # the review, not a generic error
    assert body.count("data-unanswered=") == len(rest) == 3
    assert "不参与该事项表决" in body  # the default rule's consequence
    assert not Ballot.objects.filter(voter__person=jumin, matter__vote=vote).exists()
    r = client.post(url, {**choices, "cast-confirmed": "1"})
    assert r.status_code == 302
    assert Ballot.objects.filter(voter__person=jumin, matter__vote=vote).count() == 2
    receipt = BallotReceipt.objects.get(vote=vote, voter__person=jumin)
    assert (receipt.answered, receipt.unanswered) == (2, 3)
    page = client.get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert receipt.code in page  # the owner's own receipt, on their page only


def test_the_meeting_rules_may_count_a_blank_as_abstaining(demo) -> None:
    MeetingRules.objects.update_or_create(
        compound=demo.tuanjie, defaults={"unanswered": Unanswered.ABSTAIN}
    )
    vote = svc.propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title="t",
        matters=[svc.MatterSpec("other", "a"), svc.MatterSpec("other", "b")],
    )
    assert vote.unanswered_rule == Unanswered.ABSTAIN  # frozen with the vote
    a, b = list(vote.matters.order_by("position"))
    OwnersVote.objects.filter(pk=vote.pk).update(total_heads=10, total_area=1000)
    vote.refresh_from_db()
    voter = Voter.objects.create(vote=vote, key="p1", label="x", units="1-101", area=100)
    Ballot.objects.create(
        matter=a,
        voter=voter,
        choice="agree",
        channel="online",
        cast_by=demo.user("jumin"),
        confirmed=True,
    )
    strict_a, _ = matter_tallies(vote)[a.pk]
    strict_b, _ = matter_tallies(vote)[b.pk]
    assert strict_a.counts.agree.heads == 1
    assert strict_b.counts.abstain.heads == 1 and strict_b.counts.participating.heads == 1
    OwnersVote.objects.filter(pk=vote.pk).update(unanswered_rule=Unanswered.NOT_TAKING_PART)
    vote.refresh_from_db()
    assert matter_tallies(vote)[b.pk][0].counts.participating.heads == 0


def test_a_receipt_says_whether_the_ballot_is_counted_and_nothing_else(demo) -> None:
    vote = _meeting(demo)
    jumin = demo.user("jumin")
    owner = login_client(jumin)
    url = reverse("action", args=["vote", vote.pk, "cast"])
    data = {f"cast-choice_{m.pk}": "disagree" for m in vote.matters.all()}
    owner.post(url, {**data, "cast-confirmed": "1"})
    old = BallotReceipt.objects.get(vote=vote, voter__person=jumin).code
    owner.post(url, {**data, "cast-confirmed": "1"})
    new = BallotReceipt.objects.get(vote=vote, voter__person=jumin, superseded=False).code
    check = reverse("action", args=["vote", vote.pk, "check_receipt"])
    neighbour = login_client(demo.user("yeweihui"))

    def ask(code: str) -> str:
        r = neighbour.post(check, {"check_receipt-code": code}, HTTP_ACCEPT="application/json")
        return r.json()["message"]

    message = ask(new.lower().replace("-", ""))  # typed loosely
    assert "已计入" in message and new in message
    assert not any(word in message for word in ("赞成", "反对", "弃权", jumin.display_name))
    assert "被同一业主之后的表决票替代" in ask(old)
    r = neighbour.post(check, {"check_receipt-code": "AAAA-BBBB-CCCC"})
    assert r.status_code == 400 and "没有这个核验码" in r.content.decode()


# --- figures ---------------------------------------------------------------------------------


def test_petition_progress_and_turnout_against_the_quorum_line(demo) -> None:
    petition = OwnersVote.objects.get(title=PETITION_TITLE)
    assert petition.signatures.count() == petition.petition_needed - 1
    client = login_client(demo.user("jumin"))
    page = client.get(reverse("vote-detail", args=[petition.pk])).content.decode()
    assert 'data-petition-remaining="1"' in page and "还差 1 人签名" in page
    meeting = _meeting(demo)
    page = client.get(reverse("vote-detail", args=[meeting.pk])).content.decode()
    # heads and m², each a bar with the 2/3 line, the area quorum in m² with two decimals
    assert page.count('class="quorum-line" x1="66.67"') == 2
    assert re.search(r"≥ [\d,]+\.\d\d m² \(2/3\)", page), page


def test_the_firm_chooser_shows_the_latest_published_grade(demo) -> None:
    firm = Organization.objects.get(name="安居物业服务有限公司（示例）")
    now = timezone.now()
    # after the demo's own cycles, so these are the latest
    for year, status, grade in ((2030, "published", "B"), (2031, "published", "A")):
        cycle = EvaluationCycle.objects.create(
            subdistrict=demo.tuanjie.community.subdistrict,
            year=year,
            half=1,
            status=status,
            method={},
            survey_closes_at=now,
            scoring_closes_at=now,
            opened_by=demo.user("jiedao"),
        )
        EvaluationResult.objects.create(cycle=cycle, organization=firm, grade=grade)
    page = login_client(demo.user("yeweihui")).get(
        reverse("compound-votes", args=[demo.tuanjie.pk])
    )
    assert "安居物业服务有限公司（示例）（物业服务联盟成员，最近评级 A）" in page.content.decode()
