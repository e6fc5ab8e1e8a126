"""Owners' votes and committees in each person's task list: a resident's "cast your ballot"
and "sign the petition" when each applies (and not otherwise, live), the committee's
re-election report and its overdue convening as tasks, the subdistrict's once the deadline
passed (BJ reg. arts. 35–37, 49)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.urls import reverse
from django.utils import timezone

from deliberation.actions import tasks_for
from deliberation.models import CommitteeBody, Event, OwnersVote
from deliberation.services import committees as committee_services
from deliberation.services import votes as svc
from tests.hardening import surfaces_votes
from tests.support.clients import communicator, login_client

MEETING = "2026年第一次临时业主大会（示例）"
PETITION = "临时业主大会提议"


def _tasks(user: Any) -> set[tuple[str, int, str]]:
    return {(t.kind.name, t.obj.pk, t.action.name) for t in tasks_for(user)}


def test_a_resident_is_asked_to_cast_their_ballot_and_sign_the_petition(demo) -> None:
    meeting = OwnersVote.objects.get(title=MEETING)
    petition = OwnersVote.objects.get(title__startswith=PETITION)
    jumin = demo.user("jumin")
    assert {("vote", meeting.pk, "cast"), ("vote", petition.pk, "sign")} <= _tasks(jumin)
    client = login_client(jumin)
    listed = client.get(reverse("task-list")).content.decode()
    assert "参加投票" in listed and "在联名提议上签名" in listed
    assert meeting.title in listed and petition.title in listed
    # A resident of another compound has neither.
    assert not {t for t in _tasks(demo.user("jumin2")) if t[0] == "vote"}
    # Once cast, the ballot is no task any more (it can still be changed on the vote's page).
    for matter in meeting.matters.all():
        svc.cast_ballot(actor=jumin, matter=matter, choice="agree")
    assert ("vote", meeting.pk, "cast") not in _tasks(jumin)
    # Once signed, neither is the petition.
    response = client.post(reverse("action", args=["vote", petition.pk, "sign"]))
    assert response.status_code == 302
    assert not {t for t in _tasks(jumin) if t[0] == "vote"}


def test_the_committee_sees_the_reelection_report_and_the_overdue_convening_as_tasks(
    demo,
) -> None:
    yeweihui, jiedao = demo.user("yeweihui"), demo.user("jiedao")
    committee = demo.tuanjie.owners_committee
    assert not {t for t in _tasks(yeweihui) if t[0] == "committee_body"}
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    assert committee_services.remind_reelection(today=date(2027, 11, 30)) == 1
    body = CommitteeBody.objects.get(organization=committee, kind="reelection_group")
    assert ("committee_body", body.pk, "report") in _tasks(yeweihui)
    assert Event.objects.filter(
        id__gt=before, topic=f"org:{committee.pk}:inbox", kind="tasks"
    ).exists()
    listed = login_client(yeweihui).get(reverse("task-list")).content.decode()
    assert "报告换届" in listed
    # The petition reaches 20 %: the committee must convene by its deadline.
    petition = OwnersVote.objects.get(title__startswith=PETITION)
    svc.sign_petition(actor=demo.user("jumin"), vote=petition)
    petition.refresh_from_db()
    task = next(t for t in tasks_for(yeweihui) if t.obj == petition)
    assert task.action.name == "convene" and task.due == petition.convene_by and not task.overdue
    assert petition.pk not in {t.obj.pk for t in tasks_for(jiedao)}
    # The clock finds the deadline missed: overdue for the committee, and the subdistrict
    # may now convene it (BJ reg. art. 36).
    OwnersVote.objects.filter(pk=petition.pk).update(
        convene_by=timezone.now() - timedelta(minutes=1)
    )
    assert svc.run_clock() == 1
    task = next(t for t in tasks_for(yeweihui) if t.obj == petition)
    assert task.overdue
    assert "task-overdue" in login_client(yeweihui).get(reverse("task-list")).content.decode()
    assert ("vote", petition.pk, "convene") in _tasks(jiedao)


def test_the_results_to_publish_turn_overdue_after_three_days(demo) -> None:
    vote = surfaces_votes.tallied(demo)
    yeweihui = demo.user("yeweihui")
    task = next(t for t in tasks_for(yeweihui) if t.obj == vote)
    assert task.action.name == "publish" and task.due == vote.publish_by
    OwnersVote.objects.filter(pk=vote.pk).update(
        publish_by=timezone.now() - timedelta(minutes=1)
    )  # three days later
    assert svc.run_clock() == 1
    vote.refresh_from_db()
    assert vote.publish_escalated_at is not None
    task = next(t for t in tasks_for(yeweihui) if t.obj == vote)
    assert task.overdue


@pytest.mark.django_db(transaction=True)
def test_the_resident_home_is_told_to_refetch_its_tasks_when_voting_opens(tdemo) -> None:
    vote = surfaces_votes.noticed(tdemo)  # its announced opening time has come
    jumin = tdemo.user("jumin")
    assert vote.voters.filter(person=jumin).exists()
    assert ("vote", vote.pk, "cast") not in _tasks(jumin)
    client = login_client(jumin)
    home = f"user:{jumin.pk}:home"

    async def scenario() -> None:
        comm = communicator(client, f"/ws/live/?topics={home}&lang=zh-hans")
        connected, code = await comm.connect()
        assert connected, code
        assert await database_sync_to_async(svc.run_clock)() >= 1
        # (the bell's "fetch again" markers of the new notifications share the topic)
        messages = [await comm.receive_from(timeout=5)]
        while 'data-refetch-target="task-list"' not in messages[-1] and len(messages) < 10:
            messages.append(await comm.receive_from(timeout=5))
        message = messages[-1]
        assert f'data-refetch="{reverse("task-list")}"' in message
        assert 'data-refetch-target="task-list"' in message
        await comm.disconnect()

    async_to_sync(scenario)()
    jumin = type(jumin).objects.get(pk=jumin.pk)  # a fresh principal
    assert ("vote", vote.pk, "cast") in _tasks(jumin)
