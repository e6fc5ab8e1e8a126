"""Issue 13 §1 in the browser, on 团结公寓: the owners' committee proposes FIVE matters with
their texts and a document (the new firm chosen from the firms, the lifts as a work order,
the amended meeting rules as adopted text); an owner leaves matters blank, sees what a
blank means before confirming, confirms, gets a receipt and checks it.

The notice period is never shortened: after the lawful notice the test moves the announced
opening time into the past in the database ("time travel").
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from deliberation.models import Ballot, BallotReceipt, Matter, OwnersVote, User
from deliberation.services import votes as svc
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, wait_live

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "团结公寓2026年第二次临时业主大会"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fill_matter(page, form: str, i: int, title: str, kind: str, **extra: str) -> None:
    page.fill(f"{form} [name=propose-matter_title_{i}]", title)
    page.select_option(f"{form} [name=propose-matter_kind_{i}]", kind)
    if "text" in extra:
        page.fill(f"{form} [name=propose-matter_text_{i}]", extra["text"])
    if "effect" in extra:
        page.select_option(f"{form} [name=propose-matter_effect_{i}]", extra["effect"])
    if "firm" in extra:
        page.select_option(f"{form} [name=propose-matter_firm_{i}]", label=extra["firm"])


def test_five_matters_with_documents_then_a_ballot_with_blanks(browser, live_server_asgi) -> None:
    server = live_server_asgi
    compound = OwnersVote.objects.filter(title__startswith="2026年第一次临时").get().compound
    chair = browser_login(browser, server, "yeweihui")
    chair.goto(f"{server.url}/compounds/{compound.pk}/votes/")
    form = f"#compound-propose-{compound.pk}"
    chair.click(f"#controls-compound-{compound.pk} details:has({form}) summary")
    chair.wait_for_selector(f"{form} [data-add-matter]:not([hidden])")  # script enhanced
    assert_accessible(chair, "proposal form")
    chair.fill(f"{form} [name=propose-title]", TITLE)
    _fill_matter(
        chair,
        form,
        1,
        "选聘湖畔物业为新的物业服务企业",
        "manager",
        effect="property_firm",
        firm="湖畔物业管理有限公司（示例）（物业服务联盟成员）",
        text="选聘湖畔物业管理有限公司，合同期三年。",
    )
    _fill_matter(
        chair, form, 2, "更换1号楼、2号楼电梯", "rebuild", effect="work_order", text="更换两部电梯"
    )
    chair.set_input_files(
        f"{form} [name=propose-matter_documents_2]",
        files=[{"name": "电梯报价单.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    _fill_matter(chair, form, 3, "使用专项维修资金支付电梯更换费用", "use_fund")
    # Rows 4 and 5 are opened on the page; one more is opened and removed again.
    for _ in range(3):
        chair.click(f"{form} [data-add-matter]")
    chair.click(f'{form} [data-matter-row="6"] [data-remove-matter]')
    assert chair.is_hidden(f'{form} [data-matter-row="6"]')
    _fill_matter(
        chair,
        form,
        4,
        "修订业主大会议事规则",
        "meeting_rules",
        effect="adopt_text",
        text="第一条 业主大会会议可以采用书面或者网络投票形式。",
    )
    _fill_matter(chair, form, 5, "制定公共收益使用管理规则", "other", text="公共收益按季度公示。")
    chair.click(f"{form} button[type=submit]:not([data-add-matter]):not([data-remove-matter])")
    chair.wait_for_url("**/votes/*/")
    vote = OwnersVote.objects.get(title=TITLE)
    matters = list(vote.matters.order_by("position"))
    assert [m.kind for m in matters] == ["manager", "rebuild", "use_fund", "meeting_rules", "other"]
    assert matters[0].effect_organization.name == "湖畔物业管理有限公司（示例）"
    assert matters[3].effect == Matter.Effect.ADOPT_TEXT
    assert "电梯报价单.pdf" in chair.inner_text(f"#matter-{matters[1].pk}")
    assert_accessible(chair, "proposed meeting")

    # Review and the lawful 15-day notice, then time travel to the opening.
    juwei = User.objects.get(username="juwei")
    svc.review(actor=juwei, vote=vote, observer=juwei)
    now = timezone.now()
    svc.publish_notice(
        actor=User.objects.get(username="yeweihui"),
        vote=vote,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        place_and_method="线上投票",
    )
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(minutes=1))
    assert svc.open_voting(vote=vote)

    # The owner answers two matters of five and sees what the blanks mean before confirming.
    owner = browser_login(browser, server, "jumin", phone=True)
    owner.goto(f"{server.url}/votes/{vote.pk}/")
    wait_live(owner)
    cast = f"#vote-cast-{vote.pk}"
    owner.check(f"{cast} #ballot-{matters[0].pk} input[value=agree]")
    owner.check(f"{cast} #ballot-{matters[1].pk} input[value=agree]")
    owner.click(f"{cast} > button[type=submit]")
    owner.wait_for_selector("[data-ballot-review]")
    review = owner.inner_text("[data-ballot-review]")
    assert review.count("未表决") >= 3 and "不参与该事项表决" in review
    assert not Ballot.objects.filter(matter__vote=vote, voter__person__username="jumin").exists()
    assert_accessible(owner, "ballot review with blanks")
    owner.click("[data-ballot-review] button[type=submit]")
    owner.wait_for_selector(f"#controls-vote-{vote.pk} .notice")
    receipt = BallotReceipt.objects.get(vote=vote, voter__person__username="jumin")
    assert receipt.code in owner.inner_text(f"#controls-vote-{vote.pk}")
    assert (receipt.answered, receipt.unanswered) == (2, 3)
    assert_accessible(owner, "ballot saved with its receipt")

    # Anyone who may see the vote checks the code: counted, and nothing about the choices.
    neighbour = browser_login(browser, server, "yeweihui")
    neighbour.goto(f"{server.url}/votes/{vote.pk}/")
    check = f"#vote-check_receipt-{vote.pk}"
    neighbour.click(f"#controls-vote-{vote.pk} details:has({check}) summary")
    neighbour.fill(f"{check} [name=check_receipt-code]", receipt.code)
    neighbour.click(f"{check} button[type=submit]")
    neighbour.wait_for_selector(f"#controls-vote-{vote.pk} .notice")
    answer = neighbour.inner_text(f"#controls-vote-{vote.pk} .notice")
    assert "已计入" in answer and "赞成" not in answer
    assert_accessible(neighbour, "receipt checked")
