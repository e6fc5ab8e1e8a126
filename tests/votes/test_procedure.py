"""The owners' vote procedure through its services and pages, on the demo 团结公寓."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from deliberation.errors import InvalidInput
from deliberation.law.owners_votes import MatterKind
from deliberation.models import (
    Ballot,
    BallotAudit,
    Building,
    Compound,
    Organization,
    Ownership,
    OwnersVote,
    Unit,
    User,
    Voter,
)
from deliberation.selectors.owner_register import owner_register
from deliberation.selectors.votes import turnout
from deliberation.services import votes as svc
from tests.support import not_found
from tests.support.clients import login_client
from workflows.processes import process_of

S = OwnersVote.Status


def owners(compound: Compound) -> list[User]:
    heads = [h for h in owner_register(compound).heads if h.person_id]
    return list(User.objects.filter(pk__in=[h.person_id for h in heads]).order_by("pk"))


def petition_to_notice(demo) -> OwnersVote:
    """A petition reaches 20 %, the committee convenes, review, notice."""
    c = demo.tuanjie
    people = owners(c)
    vote = svc.start_petition(
        actor=people[0],
        compound=c,
        title="临时会议",
        matters=[
            svc.MatterSpec(MatterKind.REBUILD, "更换电梯", effect="work_order"),
            svc.MatterSpec(MatterKind.MANAGER, "选聘物业"),
        ],
    )
    assert vote.status == S.PETITIONING and vote.petition_needed == 10  # ceil(47 / 5)
    for p in people[1:9]:
        svc.sign_petition(actor=p, vote=vote)
    vote.refresh_from_db()
    assert vote.status == S.PETITIONING  # 9 of 47 < 20 %
    svc.sign_petition(actor=people[9], vote=vote)
    vote.refresh_from_db()
    assert vote.status == S.CONVENING and vote.convene_by is not None
    convene_task = Task.objects.get(process=process_of(vote), flow_task_type="HUMAN")
    assert convene_task.owner == demo.user("yeweihui")  # the committee gets the task
    svc.convene(actor=demo.user("yeweihui"), vote=vote)
    svc.review(actor=demo.user("juwei"), vote=vote, observer=demo.user("juwei"))
    now = timezone.now()
    svc.publish_notice(
        actor=demo.user("yeweihui"),
        vote=vote,
        opens_at=now + timedelta(days=15, minutes=1),
        closes_at=now + timedelta(days=20),
        place_and_method="线上",
    )
    return vote


def open_now(vote: OwnersVote) -> None:
    """Test time travel: as if the notice period had run (the check itself stays)."""
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=timezone.now())
    vote.refresh_from_db()
    assert svc.open_voting(vote=vote)


def test_whole_procedure_with_paper_ballots_and_publication(demo) -> None:
    vote = petition_to_notice(demo)
    assert vote.voters.count() == 47 and vote.total_heads == 47
    open_now(vote)
    rebuild, manager = list(vote.matters.order_by("position"))
    people = owners(demo.tuanjie)
    juwei, chair = demo.user("juwei"), demo.user("yeweihui")
    # 36 owners agree online (≥ 2/3 of 47 heads is 32; ≥ 3/4 of participants agree).
    for p in people[:36]:
        svc.cast_ballot(actor=p, matter=rebuild, choice="agree")
        svc.cast_ballot(actor=p, matter=manager, choice="agree")
    # The developer votes on paper, entered by one person and confirmed by another.
    developer = vote.voters.get(organization__kind="developer")
    b = svc.enter_paper_ballot(actor=juwei, matter=rebuild, voter=developer, choice="disagree")
    assert not b.confirmed
    with pytest.raises(InvalidInput):
        svc.confirm_paper_ballot(actor=juwei, ballot=b, choice="disagree")  # same person
    assert svc.confirm_paper_ballot(actor=chair, ballot=b, choice="disagree") is not None
    t = turnout(vote)
    assert t.voted.heads == 37 and t.quorum_heads
    # Close on time, tally, publish.
    OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    vote.refresh_from_db()
    assert svc.close_voting(vote=vote)
    vote.refresh_from_db()
    assert vote.status == S.TALLIED  # the flow's count step ran the tally
    assert vote.publish_by == vote.closed_at + timedelta(days=3)
    rebuild.refresh_from_db()
    assert rebuild.tally["strict"]["agree"][0] == 36
    svc.publish_results(actor=chair, vote=vote)
    vote.refresh_from_db()
    assert vote.status == S.PUBLISHED
    rebuild.refresh_from_db()
    manager.refresh_from_db()
    assert rebuild.outcome == "passed" and manager.outcome == "passed"
    order = rebuild.work_order
    assert order is not None and order.title == "更换电梯"
    assert order.responsible == demo.tuanjie.property_provider and order.origin == rebuild
    assert manager.work_order is None  # no follow-up chosen for it
    process = process_of(vote)
    assert process is not None and process.status == "DONE"
    assert not Task.objects.filter(process=process).exclude(
        status__in=[STATUS.DONE, STATUS.CANCELED]
    )


def test_notice_period_must_be_fifteen_days(demo) -> None:
    c = demo.tuanjie
    vote = svc.propose_vote(
        actor=demo.user("yeweihui"),
        compound=c,
        title="t",
        matters=[svc.MatterSpec(MatterKind.OTHER, "m")],
    )
    svc.review(actor=demo.user("juwei"), vote=vote, observer=demo.user("juwei"))
    now = timezone.now()
    with pytest.raises(InvalidInput):
        svc.publish_notice(
            actor=demo.user("yeweihui"),
            vote=vote,
            opens_at=now + timedelta(days=14, hours=23),
            closes_at=now + timedelta(days=20),
            place_and_method="",
        )
    vote.refresh_from_db()
    assert vote.status == S.PREPARING and not vote.voters.exists()
    svc.publish_notice(
        actor=demo.user("yeweihui"),
        vote=vote,
        opens_at=now + timedelta(days=15, minutes=1),
        closes_at=now + timedelta(days=20),
        place_and_method="",
    )
    vote.refresh_from_db()
    assert not svc.open_voting(vote=vote)  # too early: stays noticed
    assert vote.status == S.NOTICED


def test_demo_setting_shortens_notice_only_with_debug(demo, settings) -> None:
    settings.YISHI_DEMO_NOTICE_MINUTES = 1
    settings.DEBUG = False
    assert svc.notice_days()[1] == timedelta(days=15)
    settings.DEBUG = True
    assert svc.notice_days()[1] == timedelta(minutes=1)


def test_non_owner_cannot_vote_and_other_compound_cannot_see(demo) -> None:
    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    matter = vote.matters.first()
    with pytest.raises(PermissionDenied):
        svc.cast_ballot(actor=demo.user("jumin2"), matter=matter, choice="agree")  # 轻工宿舍
    with pytest.raises(PermissionDenied):
        svc.cast_ballot(actor=demo.user("wuye"), matter=matter, choice="agree")  # the firm
    assert (
        login_client(demo.user("jumin2")).get(reverse("vote-detail", args=[vote.pk])).status_code
        == 404  # 轻工宿舍's resident may not even know the meeting exists
    )
    hidden, missing = reverse("vote-detail", args=[vote.pk]), reverse("vote-detail", args=[10**6])
    client = login_client(demo.user("jumin2"))
    assert not_found.answer(client.get(hidden), hidden) == not_found.answer(
        client.get(missing), missing
    )
    with pytest.raises(PermissionDenied):
        svc.enter_paper_ballot(
            actor=demo.user("jumin"), matter=matter, voter=vote.voters.first(), choice="agree"
        )


def test_owner_sees_only_their_own_ballot(demo) -> None:
    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    jumin = demo.user("jumin")
    client = login_client(jumin)
    r = client.post(
        reverse("action", args=["vote", vote.pk, "cast"]),
        {"cast-confirmed": "1", **{f"cast-choice_{m.pk}": "disagree" for m in vote.matters.all()}},
    )
    assert r.status_code == 302
    page = client.get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert len(re.findall(r'value="disagree"[^>]*checked', page)) == 5
    # Paper ballots of other owners are confirmed in the demo; no name appears on the page.
    other = Ballot.objects.filter(matter__vote=vote).exclude(voter__person=jumin).first()
    assert other is not None and other.voter.label not in page
    assert client.get(reverse("vote-audit", args=[vote.pk])).status_code == 403
    audit = login_client(demo.user("juwei")).get(reverse("vote-audit", args=[vote.pk]))
    assert audit.status_code == 200 and other.voter.label in audit.content.decode()
    # Change of mind until close, with an audit trail.
    client.post(
        reverse("action", args=["vote", vote.pk, "cast"]),
        {f"cast-choice_{vote.matters.first().pk}": "agree", "cast-confirmed": "1"},
    )
    actions = list(
        BallotAudit.objects.filter(voter__person=jumin, matter__vote=vote)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions.count("cast") == 5 and actions[-1] == "changed"


def test_paper_double_entry_mismatch_discards_the_entry(demo) -> None:
    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    matter = vote.matters.first()
    voter = vote.voters.filter(ballots__isnull=True, organization__isnull=False).first()
    b = svc.enter_paper_ballot(actor=demo.user("juwei"), matter=matter, voter=voter, choice="agree")
    with pytest.raises(svc.VoteConflict):
        svc.enter_paper_ballot(actor=demo.user("juwei"), matter=matter, voter=voter, choice="agree")
    assert (
        svc.confirm_paper_ballot(actor=demo.user("yeweihui"), ballot=b, choice="disagree") is None
    )
    assert not Ballot.objects.filter(pk=b.pk).exists()
    assert list(
        BallotAudit.objects.filter(voter=voter).values_list("action", flat=True).order_by("id")
    ) == ["paper_entered", "paper_rejected"]


def test_bad_input_gets_400_and_conflict_409(demo) -> None:
    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    client = login_client(demo.user("jumin"))
    url = reverse("action", args=["vote", vote.pk, "cast"])
    r = client.post(url, {})
    assert r.status_code == 400 and 'role="alert"' in r.content.decode()
    r = client.post(reverse("action", args=["vote", vote.pk, "sign"]))
    assert r.status_code == 409


def test_counting_rules(demo) -> None:
    """Multi-unit owner, co-owners, developer, property-rights unit (SPC interp. art. 9)."""
    c = demo.tuanjie
    before = owner_register(c)
    developer = before.head(f"o{Organization.objects.get(kind='developer').pk}")
    assert developer is not None and len(developer.units) >= 2  # all unsold units: one head
    jumin = demo.user("jumin")
    # jumin buys a second unit: still one head, area summed.
    unit = Unit.objects.filter(building__compound=c).exclude(ownerships__person=jumin).first()
    old_owner = unit.ownerships.get().person
    unit.ownerships.all().delete()
    Ownership.objects.create(unit=unit, person=jumin)
    after = owner_register(c)
    mine = after.head(f"p{jumin.pk}")
    assert mine is not None and len(mine.units) == 2
    assert after.total.area == before.total.area
    assert after.total.heads == before.total.heads - (
        1 if old_owner and not old_owner.ownerships.exists() else 0
    )
    # Co-owners: one designated voter; none designated → the unit is flagged, not counted.
    other = (
        Unit.objects.filter(building__compound=c)
        .exclude(pk=unit.pk)
        .exclude(ownerships__organization__isnull=False)
        .first()
    )
    spouse = User.objects.create_user("spouse")
    Ownership.objects.create(unit=other, person=spouse, is_designated_voter=False)
    assert owner_register(c).total == after.total
    other.ownerships.update(is_designated_voter=False)
    broken = owner_register(c)
    assert any(code == "no_designated_voter" for _, code in broken.problems)
    # Unsold public housing: the property-rights unit is one head with its whole area.
    public = Compound.objects.get(name="水碓子东里")
    reg = owner_register(public)
    prop = [h for h in reg.heads if h.kind == "property_rights_unit"]
    assert len(prop) == 1 and len(prop[0].units) > 1
    assert prop[0].area == sum(
        (
            u.exclusive_area
            for u in Unit.objects.filter(
                ownerships__organization_id=prop[0].organization_id, building__compound=public
            )
        ),
        Decimal(0),
    )


def test_register_import_preview_then_store(demo) -> None:
    c = demo.tuanjie
    building = Building.objects.filter(compound=c).first()
    client = login_client(demo.user("juwei"))
    url = reverse("owner-register-import", args=[c.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile(
        "r.csv", f"楼,单元,面积,来源,业主\n{building.name},101,-3,survey,nobody\n".encode()
    )
    r = client.post(url, {"file": bad})
    assert r.status_code == 400
    assert "面积必须是正数" in r.content.decode() and "未找到业主" in r.content.decode()
    good = SimpleUploadedFile("r.csv", f"{building.name},101,88.80,survey,jumin2\n".encode())
    r = client.post(url, {"file": good})
    assert r.status_code == 200
    unit = Unit.objects.get(building=building, number="101")
    assert unit.exclusive_area != Decimal("88.80")  # preview stores nothing
    signed = re.search(r'name="import_register-rows" value="([^"]+)"', r.content.decode())
    assert signed, "the preview offers no confirm step"
    confirm = reverse("action", args=["compound", c.pk, "import_register"])
    r = client.post(confirm, {"import_register-rows": signed.group(1)})
    assert r.status_code == 302 and r["Location"] == reverse("owner-register", args=[c.pk])
    unit.refresh_from_db()
    assert unit.exclusive_area == Decimal("88.80") and unit.area_source == "survey"
    assert unit.ownerships.get().person == demo.user("jumin2")
    resident = login_client(demo.user("jumin"))
    assert resident.post(confirm, {"import_register-rows": signed.group(1)}).status_code == 403


@pytest.mark.parametrize("name", ["vote-detail", "vote-audit"])
def test_vote_pages_keep_a_fixed_number_of_queries(demo, name) -> None:
    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    client = login_client(demo.user("juwei"))
    url = reverse(name, args=[vote.pk])
    voters = list(vote.voters.filter(ballots__isnull=True))

    def paper(some: list[Voter]) -> None:
        Ballot.objects.bulk_create(
            Ballot(matter=m, voter=v, choice="agree", channel="paper", cast_by=demo.user("juwei"))
            for m in vote.matters.all()
            for v in some
        )

    paper(voters[:1])  # one paper ballot waits for its second person (a control to confirm)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # Many more paper ballots: the same number of queries.
    paper(voters[1:])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(few) == len(many)
    assert len(many) <= 25


def test_public_push_carries_no_names_and_staff_push_stays_staff(
    demo, django_capture_on_commit_callbacks
) -> None:
    from deliberation.models import Event

    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    matter = vote.matters.order_by("position").first()
    voter = vote.voters.filter(ballots__isnull=True, organization__isnull=False).first()
    b = svc.enter_paper_ballot(actor=demo.user("juwei"), matter=matter, voter=voter, choice="agree")
    svc.confirm_paper_ballot(actor=demo.user("yeweihui"), ballot=b, choice="agree")
    public = Event.objects.filter(topic=f"vote:{vote.pk}:public").latest("id")
    staff = Event.objects.filter(topic=f"vote:{vote.pk}:staff").order_by("id")
    assert voter.label not in public.html["zh-hans"]
    assert "data-turnout-heads" in public.html["zh-hans"]
    assert voter.label in staff.first().html["zh-hans"]  # the queue names whose paper it is


def test_the_paper_queue_shows_the_oldest_entries_and_says_more_wait(demo) -> None:
    """A stack of paper ballots: the queue (page and push) draws the oldest
    ``PAPER_QUEUE_SHOWN`` for the second person and says that more wait, so each entry
    costs the same however high the stack; confirming one brings the next into view."""
    from deliberation.models import Event
    from deliberation.selectors.votes import PAPER_QUEUE_SHOWN

    vote = OwnersVote.objects.get(title__startswith="2026年第一次临时业主大会")
    matters = list(vote.matters.order_by("position"))
    voters = vote.voters.filter(ballots__isnull=True).order_by("id")
    slots = [(v, m) for v in voters for m in matters][: PAPER_QUEUE_SHOWN + 1]
    assert len(slots) == PAPER_QUEUE_SHOWN + 1
    juwei = demo.user("juwei")
    entered = [
        svc.enter_paper_ballot(actor=juwei, matter=m, voter=v, choice="agree") for v, m in slots
    ]
    html = Event.objects.filter(topic=f"vote:{vote.pk}:staff").latest("id").html["zh-hans"]
    shown = re.findall(r'data-ballot="(\d+)"', html)
    assert shown == [str(b.pk) for b in entered[:PAPER_QUEUE_SHOWN]]
    assert "还有更多纸质表决票待复核" in html
    page = login_client(juwei).get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert re.findall(r'data-ballot="(\d+)"', page) == shown and "还有更多纸质表决票" in page
    svc.confirm_paper_ballot(actor=demo.user("yeweihui"), ballot=entered[0], choice="agree")
    html = Event.objects.filter(topic=f"vote:{vote.pk}:staff").latest("id").html["zh-hans"]
    assert re.findall(r'data-ballot="(\d+)"', html)[-1] == str(entered[-1].pk)
    assert "还有更多纸质表决票待复核" not in html
