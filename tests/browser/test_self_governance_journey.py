"""Issue 13's journey on 团结公寓, end to end as its people meet it: the owners' committee
proposes five matters with a document (the new firm chosen from the firms, the lifts as a
work order, the amended meeting rules, rules for the use of public revenue, the maintenance
fund for the lifts); an owner votes online leaving matters blank and sees what that means
before confirming; a printed ballot's code is read from the PDF and entered twice by two
people; the results are published with their PDF announcement; the lift matter is a work
order for the firm serving.

The notice period is never shortened: after the lawful notice the test moves the announced
times into the past in the database ("time travel"); the many other owners' ballots go
through the services, as other requests would.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from deliberation.models import (
    Ballot,
    BallotReceipt,
    Handover,
    Issue,
    Matter,
    OwnersVote,
    User,
    WorkOrder,
)
from deliberation.services import votes as svc
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, in_own_thread, wait_live
from tests.support.pdf import read_pdf_bytes, squeezed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "团结公寓2026年第三次临时业主大会"
NEW_FIRM = "湖畔物业管理有限公司（示例）"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MATTERS = [  # (title, art. 278 kind, extra fields)
    (
        "选聘湖畔物业为新的物业服务企业",
        "manager",
        {"effect": "property_firm", "firm": NEW_FIRM},
    ),
    ("更换1号楼、2号楼电梯", "rebuild", {"effect": "work_order", "text": "更换两部电梯"}),
    (
        "修订业主大会议事规则",
        "meeting_rules",
        {"effect": "adopt_text", "text": "第一条 业主大会会议可以采用书面或者网络投票形式。"},
    ),
    ("制定公共收益使用管理规则", "other", {"text": "公共收益按季度公示，支出经业主大会决定。"}),
    ("使用专项维修资金支付电梯更换费用", "use_fund", {"text": "从专项维修资金列支。"}),
]


def _propose(chair, compound_pk: int) -> None:
    form = f"#compound-propose-{compound_pk}"
    chair.click(f"#controls-compound-{compound_pk} details:has({form}) summary")
    chair.wait_for_selector(f"{form} [data-add-matter]:not([hidden])")  # script enhanced
    chair.fill(f"{form} [name=propose-title]", TITLE)
    for i, (title, kind, extra) in enumerate(MATTERS, start=1):
        if not chair.is_visible(f'{form} [data-matter-row="{i}"]'):
            chair.click(f"{form} [data-add-matter]")
        chair.fill(f"{form} [name=propose-matter_title_{i}]", title)
        chair.select_option(f"{form} [name=propose-matter_kind_{i}]", kind)
        if "text" in extra:
            chair.fill(f"{form} [name=propose-matter_text_{i}]", extra["text"])
        if "effect" in extra:
            chair.select_option(f"{form} [name=propose-matter_effect_{i}]", extra["effect"])
        if "firm" in extra:
            firm = chair.locator(f"{form} [name=propose-matter_firm_{i}] option", has_text=NEW_FIRM)
            assert "物业服务联盟成员" in firm.inner_text()  # alliance members are marked
            value = firm.get_attribute("value")
            chair.select_option(f"{form} [name=propose-matter_firm_{i}]", value=value)
    chair.set_input_files(
        f"{form} [name=propose-matter_documents_2]",
        files=[{"name": "电梯报价单.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    assert_accessible(chair, "five matters filled in")
    chair.click(f"{form} button[type=submit]:not([data-add-matter]):not([data-remove-matter])")
    chair.wait_for_url("**/votes/*/")


def _to_voting(vote: OwnersVote) -> None:
    """The residents' committee reviews, the committee gives the lawful 15 days' notice; then
    time travel to the announced opening."""
    juwei, chair = User.objects.get(username="juwei"), User.objects.get(username="yeweihui")
    svc.review(actor=juwei, vote=vote, observer=juwei)
    now = timezone.now()
    svc.publish_notice(
        actor=chair,
        vote=vote,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        place_and_method="线上投票与书面表决票",
    )
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=now - timedelta(minutes=1))
    vote.refresh_from_db()
    assert svc.open_voting(vote=vote)


def _most_owners_agree(vote: OwnersVote, skip: set[int]) -> None:
    """Three in four owners vote for every matter online (the quorum is two thirds)."""
    voters = list(
        vote.voters.filter(person__isnull=False)
        .exclude(pk__in=skip)
        .select_related("person")
        .order_by("pk")
    )
    matters = list(vote.matters.order_by("position"))
    for voter in voters[: (vote.total_heads * 3) // 4]:
        for matter in matters:
            svc.cast_ballot(actor=voter.person, matter=matter, choice="agree")


def test_five_matters_voted_online_and_on_paper_published_and_carried_out(
    browser, live_server_asgi
) -> None:
    server = live_server_asgi
    compound = OwnersVote.objects.filter(title__startswith="2026年第一次临时").get().compound
    old_firm = compound.property_provider

    # The owners' committee proposes the five matters with the quote for the lifts.
    chair = browser_login(browser, server, "yeweihui")
    chair.goto(f"{server.url}/compounds/{compound.pk}/votes/")
    _propose(chair, compound.pk)
    vote = OwnersVote.objects.get(title=TITLE)
    pk, url = vote.pk, f"{server.url}/votes/{vote.pk}/"
    matters = list(vote.matters.order_by("position"))
    assert [m.kind for m in matters] == [kind for _, kind, _ in MATTERS]
    assert matters[0].effect_organization.name == NEW_FIRM
    assert matters[1].effect == Matter.Effect.WORK_ORDER
    assert "电梯报价单.pdf" in chair.inner_text(f"#matter-{matters[1].pk}")
    assert_accessible(chair, "proposed meeting")

    in_own_thread(lambda: _to_voting(vote))
    vote.refresh_from_db()

    # An owner answers two of five matters and sees what the blanks mean before confirming.
    owner = browser_login(browser, server, "jumin", phone=True)
    owner.goto(url)
    wait_live(owner)
    cast = f"#vote-cast-{pk}"
    owner.check(f"{cast} #ballot-{matters[0].pk} input[value=agree]")
    owner.check(f"{cast} #ballot-{matters[1].pk} input[value=agree]")
    owner.click(f"{cast} > button[type=submit]")
    owner.wait_for_selector("[data-ballot-review]")
    review = owner.inner_text("[data-ballot-review]")
    assert review.count("未表决") >= 3 and "不参与该事项表决" in review
    assert not Ballot.objects.filter(matter__vote=vote, voter__person__username="jumin").exists()
    assert_accessible(owner, "ballot review with blanks")
    owner.click("[data-ballot-review] button[type=submit]")
    owner.wait_for_selector(f"#controls-vote-{pk} .notice")
    receipt = BallotReceipt.objects.get(vote=vote, voter__person__username="jumin")
    assert (receipt.answered, receipt.unanswered) == (2, 3)
    assert receipt.code in owner.inner_text(f"#controls-vote-{pk}")

    # A printed ballot: the residents' committee downloads it, types its code; the chair
    # enters the same paper again (double entry) and it counts.
    paper_owner = (
        vote.voters.filter(person__username__startswith="owner-").order_by("label").first()
    )
    staff = browser_login(browser, server, "juwei")
    staff.goto(url)
    wait_live(staff)
    link = staff.locator("nav.documents a", has_text="书面表决票")
    href = link.get_attribute("href")
    response = staff.request.get(f"{server.url}{href}?voter={paper_owner.pk}")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    printed = squeezed(read_pdf_bytes(response.body()).text)
    assert TITLE in printed and paper_owner.label.replace(" ", "") in printed
    code = re.search(rf"{pk}-{paper_owner.pk}-[0-9A-F]{{4}}", printed)[0]
    staff.click(f"#controls-vote-{pk} details:has(#vote-paper-{pk}) summary")
    staff.fill("#id_paper-code", code)
    staff.select_option("#id_paper-matter", value=str(matters[0].pk))
    staff.select_option("#id_paper-choice", value="agree")
    assert_accessible(staff, "paper ballot entry")
    staff.click(f"#vote-paper-{pk} button[type=submit]")
    staff.wait_for_selector(f"#controls-vote-{pk} .notice")
    assert paper_owner.label in staff.inner_text(f"#controls-vote-{pk} .notice")
    chair.goto(url)
    chair.wait_for_selector(".paper-confirm")
    assert code in chair.inner_text(".paper-confirm")
    assert_accessible(chair, "paper ballot to confirm")
    chair.select_option(".paper-confirm select", value="agree")
    chair.click(".paper-confirm button[type=submit]")
    chair.locator(".paper-confirm").wait_for(state="detached")
    ballot = Ballot.objects.get(matter=matters[0], voter=paper_owner)
    assert ballot.confirmed and ballot.channel == "paper"

    # The other owners vote online; voting closes at the announced time; the chair publishes.
    jumin = vote.voters.get(person__username="jumin")
    in_own_thread(lambda: _most_owners_agree(vote, {jumin.pk, paper_owner.pk}))
    OwnersVote.objects.filter(pk=pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    staff.reload()
    staff.click(f"#vote-close-{pk} button[type=submit]")
    staff.wait_for_selector("[data-status=tallied]")
    chair.reload()
    chair.click(f"#vote-publish-{pk} button[type=submit]")
    chair.wait_for_selector("[data-status=published]")
    assert chair.locator("[data-outcome=passed]").count() == len(MATTERS)
    assert_accessible(chair, "results published")

    # The announcement for the 3-day publication, from the page's link.
    link = chair.locator("nav.documents a", has_text="公告")
    with chair.expect_download() as download:
        link.click()
    announced = squeezed(read_pdf_bytes(Path(download.value.path()).read_bytes()).text)
    assert TITLE in announced
    for title, _, _ in MATTERS:
        assert title in announced
    assert "通过" in announced

    # The lift matter is a work order for the firm serving now.
    lift = Matter.objects.select_related("work_order").get(pk=matters[1].pk)
    assert lift.work_order is not None and lift.work_order.responsible_id == old_firm.pk
    firm = browser_login(browser, server, "wuye")
    firm.goto(f"{server.url}/work-orders/{lift.work_order.pk}/")
    assert "电梯" in firm.inner_text("main")
    assert_accessible(firm, "the lift work order")

    # The firm matter started the change of firm: the old firm carries on until the new one
    # takes over. The committee sends the notice, the old firm hands over the checklist,
    # and on the takeover day (time travel) the committee records the takeover.
    handover = Handover.objects.get(compound=compound, matter=matters[0])
    assert (handover.old_firm_id, handover.new_firm.name) == (old_firm.pk, NEW_FIRM)
    contracts = f"{server.url}/compounds/{compound.pk}/contracts/"
    chair.goto(f"{server.url}/compounds/{compound.pk}/")
    chair.click(f'a[href="/compounds/{compound.pk}/contracts/"]')
    chair.wait_for_url(contracts)
    assert old_firm.name in chair.inner_text("#current-provider")
    assert_accessible(chair, "change of firm started")
    h = handover.pk
    chair.click(f"#handover-send_notice-{h} button[type=submit]")
    chair.wait_for_selector(f"#controls-handover-{h} .notice")
    firm.goto(contracts)
    for left in range(len(Handover.CHECKLIST) - 1, -1, -1):
        firm.select_option(f"#handover-tick-{h} select", index=0)
        firm.click(f"#handover-tick-{h} button[type=submit]")
        firm.wait_for_selector(f"#controls-handover-{h} .notice:has-text('还剩 {left} 项')")
    assert_accessible(firm, "checklist handed over")
    Handover.objects.filter(pk=h).update(takeover_on=timezone.localdate())
    chair.reload()
    chair.click(f"#handover-take_over-{h} button[type=submit]")
    chair.wait_for_selector(f"#current-provider:has-text('{NEW_FIRM}')")
    assert_accessible(chair, "taken over")
    compound.refresh_from_db()
    assert compound.property_provider.name == NEW_FIRM

    # A resident reports a new issue; the residents' committee's dispatch goes to the new
    # firm, whose inbox lists it.
    owner.goto(f"{server.url}/issues/new/")
    owner.select_option("#id_building", label="团结公寓 1号楼")
    owner.fill("#id_unit_number", "501")
    owner.fill("#id_description", "1号楼5层楼道窗户关不上")
    owner.click("#report-form button[type=submit]")
    owner.wait_for_url("**/issues/*/")
    issue = Issue.objects.get(description="1号楼5层楼道窗户关不上")
    staff.goto(f"{server.url}/issues/{issue.pk}/")
    assert NEW_FIRM in staff.inner_text("#suggested-responsible")
    staff.click(f"#issue-dispatch-{issue.pk} button[type=submit]")
    staff.wait_for_selector(f"#controls-issue-{issue.pk} .notice")
    order = WorkOrder.objects.get(issue=issue)
    assert order.responsible.name == NEW_FIRM
    subdistrict = browser_login(browser, server, "jiedao")
    subdistrict.goto(f"{server.url}/inbox/?org={order.responsible_id}")
    assert "1号楼5层楼道窗户关不上" in subdistrict.inner_text(f"#inbox-row-{order.pk}")
    assert_accessible(subdistrict, "the new firm's inbox")
    for page in (owner, staff, chair, firm, subdistrict):
        page.context.close()
