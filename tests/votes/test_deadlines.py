"""Delivery of the notice, the clock (open/close), deadline alerts, big-register query counts,
Excel import, and every vote page for every demo account (no 500s)."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.law.owners_votes import MatterKind
from deliberation.models import Ballot, Building, Event, OwnersVote, Unit, Voter
from deliberation.services import votes as svc
from tests.support.clients import login_client

MEETING = "2026年第一次临时业主大会（示例）"


def test_delivery_is_recorded_for_owners_without_an_account(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    online = vote.voters.filter(delivery_method="app")
    assert set(online.values_list("person__username", flat=True)) >= {"jumin", "yeweihui"}
    pending = vote.voters.filter(delivered_at__isnull=True).count()
    assert pending > 0
    r = login_client(demo.user("juwei")).post(
        reverse("action", args=["vote", vote.pk, "delivered"]), {"delivered-method": "posted"}
    )
    assert r.status_code == 302
    assert not vote.voters.filter(delivered_at__isnull=True).exists()
    assert vote.voters.filter(delivery_method="posted").count() == pending
    denied = login_client(demo.user("jumin")).post(
        reverse("action", args=["vote", vote.pk, "delivered"])
    )
    assert denied.status_code == 403


def test_clock_opens_closes_and_alerts_the_subdistrict(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    later = vote.closes_at + timedelta(minutes=1)
    assert svc.run_clock(now=later) >= 1
    vote.refresh_from_db()
    assert vote.status == OwnersVote.Status.TALLIED  # closed, and the flow counted
    assert vote.publish_by == later + timedelta(days=3)
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert svc.run_clock(now=later + timedelta(days=3)) == 1
    assert svc.run_clock(now=later + timedelta(days=4)) == 0  # once
    # the task lists of those who publish refresh: "publish the results" is now overdue
    topics = set(Event.objects.filter(kind="tasks", id__gt=before).values_list("topic", flat=True))
    assert f"org:{demo.tuanjie.community.residents_committee_id}:inbox" in topics
    assert f"org:{demo.tuanjie.owners_committee_id}:inbox" in topics
    vote.refresh_from_db()
    assert vote.publish_escalated_at is not None


def test_petition_convene_deadline_alerts_once(demo) -> None:
    vote = OwnersVote.objects.get(title__startswith="临时业主大会提议")
    svc.sign_petition(actor=demo.user("jumin"), vote=vote)
    vote.refresh_from_db()
    assert vote.status == OwnersVote.Status.CONVENING
    svc.run_clock(now=vote.convene_by - timedelta(seconds=1))
    vote.refresh_from_db()
    assert vote.convene_escalated_at is None
    svc.run_clock(now=vote.convene_by)
    vote.refresh_from_db()
    assert vote.convene_escalated_at is not None
    alerts = Event.objects.filter(kind="vote.overdue").count()
    svc.run_clock(now=vote.convene_by + timedelta(days=1))
    assert Event.objects.filter(kind="vote.overdue").count() == alerts  # once


def test_vote_page_queries_do_not_grow_with_a_thousand_owners(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    client = login_client(demo.user("juwei"))
    url = reverse("vote-detail", args=[vote.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    voters = Voter.objects.bulk_create(
        Voter(vote=vote, key=f"x{i}", label=f"业主{i}", units=f"X-{i}", area=Decimal("50"))
        for i in range(1000)
    )
    matters = list(vote.matters.all())
    Ballot.objects.bulk_create(
        Ballot(
            matter=m,
            voter=v,
            choice="agree",
            channel="paper",
            cast_by=demo.user("juwei"),
            confirmed_by=demo.user("yeweihui"),
            confirmed=True,
        )
        for v in voters
        for m in matters
    )
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    # documents, the owner's own receipt and the printable papers: constant, over the cap
    assert len(small) == len(large) <= 12 + 2, len(large)
    list_url = reverse("compound-votes", args=[demo.tuanjie.pk])
    client.get(list_url)
    with CaptureQueriesContext(connection) as q:
        assert client.get(list_url).status_code == 200
    assert len(q) <= 12 + 2  # the firm chooser and the adopted texts, as budgeted


def test_excel_import(demo) -> None:
    from openpyxl import Workbook

    building = Building.objects.filter(compound=demo.tuanjie).order_by("name").first()
    wb = Workbook()
    ws = wb.active
    ws.append(["楼栋", "房号", "面积", "来源", "业主"])
    ws.append([building.name, "101", 77.5, "contract", ""])
    ws.append([building.name, "102", "abc", "register", ""])
    buf = io.BytesIO()
    wb.save(buf)
    client = login_client(demo.user("yeweihui"))
    url = reverse("owner-register-import", args=[demo.tuanjie.pk])
    r = client.post(url, {"file": SimpleUploadedFile("r.xlsx", buf.getvalue())})
    assert r.status_code == 400 and "面积必须是正数" in r.content.decode()
    confirm = reverse("action", args=["compound", demo.tuanjie.pk, "import_register"])
    assert client.post(confirm, {}).status_code == 400  # nothing previewed
    r = client.post(url, {"file": SimpleUploadedFile("r.xlsx", b"not a workbook")})
    assert r.status_code == 400
    unit = Unit.objects.get(building=building, number="101")
    assert unit.exclusive_area != Decimal("77.50")


USERS = [
    "admin",
    "jiedao",
    "dudao",
    "shuji",
    "shuji2",
    "juwei",
    "juwei2",
    "wuye",
    "fangguan",
    "chanquan",
    "yeweihui",
    "wuguanhui",
    "jumin",
    "jumin2",
    "jumin3",
]


@pytest.mark.parametrize("username", USERS)
def test_every_page_answers_every_demo_account(demo, username) -> None:
    client = login_client(demo.user(username))
    c = demo.tuanjie
    urls = [reverse("compound-votes", args=[c.pk]), reverse("owner-register", args=[c.pk])]
    urls += [reverse("committee-page", args=[c.pk])]
    for vote in OwnersVote.objects.filter(compound=c):
        urls += [reverse("vote-detail", args=[vote.pk]), reverse("vote-audit", args=[vote.pk])]
    for url in urls:  # 404 for a vote the account may not know of (existence privacy)
        assert client.get(url).status_code in (200, 403, 404), url


def test_noticed_matters_only(demo) -> None:
    vote = OwnersVote.objects.get(title=MEETING)
    other = svc.propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title="另一表决",
        matters=[svc.MatterSpec(MatterKind.OTHER, "未公告事项")],
    )
    foreign = other.matters.get()
    client = login_client(demo.user("juwei"))
    r = client.post(
        reverse("action", args=["vote", vote.pk, "paper"]),
        {
            "paper-matter": foreign.pk,
            "paper-voter": vote.voters.first().pk,
            "paper-choice": "agree",
        },
    )
    assert r.status_code == 400 and "只能对已公告的事项进行表决" in r.content.decode()
    assert timezone.now() < vote.closes_at
