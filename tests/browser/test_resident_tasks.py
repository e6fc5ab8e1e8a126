"""A resident's and the owners' committee's task lists, live, in the browser.

The resident (jumin, on a phone) keeps their home page open while others act: a neighbour
starts a petition ("sign the petition" appears and is signed in one tap from the list), a
meeting opens its ballot box ("cast your ballot"), and the committee verifies the work
order of jumin's elevator report ("rate this outcome", which leads to the issue page where
the rating form works on the phone). The owners' committee's open home page gains its
re-election report when the reminder job runs, and its "convene the meeting" task turns
overdue when the clock finds the deadline missed (BJ reg. arts. 35–36, 49).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from deliberation.actions import action_of, kind_of, perform
from deliberation.demo.votes import PETITION_TITLE
from deliberation.law.owners_votes import MatterKind
from deliberation.models import Compound, Issue, OwnersVote, User, WorkOrder
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.services import committees as committee_services
from deliberation.services import votes as vote_services
from tests.hardening import surfaces_votes
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, in_own_thread, wait_live
from tests.support.demo import Demo
from workflows import intake
from workflows import work_orders as flow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PETITION = "增设非机动车充电桩<b>"
ELEVATOR = "2号楼电梯门关不严"


def _act(username: str, kind: str, pk: int, name: str, data: dict[str, str] | None = None) -> Any:
    """One step through the one action path, as that person's browser would take it."""
    obj = kind_of(kind).load(pk)  # type: ignore[union-attr]
    action = action_of(kind, name)
    return perform(user=User.objects.get(username=username), obj=obj, action=action, data=data)


def _neighbour(vote: OwnersVote | None = None) -> User:
    """An owner of 团结公寓 on the register, other than jumin and yeweihui, who has not
    signed ``vote``."""
    signed = set(vote.signatures.values_list("key", flat=True)) if vote else set()
    skip = set(User.objects.filter(username__in=["jumin", "yeweihui"]).values_list("pk", flat=True))
    heads = owner_register(Compound.objects.get(name="团结公寓")).heads
    pk = next(
        h.person_id
        for h in heads
        if h.person_id and h.person_id not in skip and h.key not in signed
    )
    return User.objects.get(pk=pk)


def _start_petition() -> OwnersVote:
    return vote_services.start_petition(
        actor=_neighbour(),
        compound=Compound.objects.get(name="团结公寓"),
        title=NEW_PETITION,
        matters=[vote_services.MatterSpec(MatterKind.OTHER, "在3号楼旁增设充电桩")],
    )


def _order_done(issue: Issue) -> WorkOrder:
    """The committee dispatches jumin's report; the firm accepts and reports it done."""
    juwei, wuye = User.objects.get(username="juwei"), User.objects.get(username="wuye")
    assert issue.compound is not None
    order: WorkOrder = intake.triage(
        issue, "dispatch", actor=juwei, responsible=issue.compound.property_provider
    )
    flow.perform(order, "accept", actor=wuye)
    return flow.perform(WorkOrder.objects.get(pk=order.pk), "complete", actor=wuye, text="已修好")


def test_the_residents_and_the_committees_tasks_arrive_live(
    browser: Any, live_server_asgi: Any
) -> None:
    server = live_server_asgi
    demo = Demo()
    resident = browser_login(browser, server, "jumin", phone=True)
    committee = browser_login(browser, server, "yeweihui")
    for page in (resident, committee):
        wait_live(page)
    tasks = resident.locator("#task-list")
    committee_tasks = committee.locator("#task-list")

    # A neighbour starts a petition: "sign the petition" appears; one tap signs it.
    petition = in_own_thread(_start_petition)
    sign = tasks.locator("li.task", has_text=NEW_PETITION)
    sign.wait_for()
    assert "在联名提议上签名" in sign.inner_text()

    # The step's own push reaches the page before the step's answer (held back here): the
    # page must not let a list fetched meanwhile swallow the answer and its confirmation.
    def answer_late(route: Any) -> None:
        response = route.fetch()  # the signature is stored; its push goes out
        time.sleep(1)  # meanwhile the page hears the push
        route.fulfill(response=response)

    resident.route("**/actions/sign/", answer_late)
    sign.get_by_role("button").click()
    sign.wait_for(state="detached")
    resident.wait_for_timeout(300)  # a list fetched again would be in by now
    assert "你已在联名提议" in tasks.locator(".notice").inner_text()
    assert petition.signatures.filter(key=head_key(person_id=demo.user("jumin").pk)).exists()

    # A meeting's ballot box opens on time: "cast your ballot" appears, with its due time.
    vote = in_own_thread(lambda: surfaces_votes.noticed(demo))
    assert vote.voters.filter(person__username="jumin").exists()
    in_own_thread(vote_services.run_clock)
    ballot = tasks.locator("li.task", has_text=vote.title)
    ballot.wait_for()
    assert "前" in ballot.locator(".due").inner_text()
    assert ballot.locator("a").get_attribute("href") == f"/votes/{vote.pk}/"

    # jumin's elevator report is fixed and verified: "rate this outcome", on the issue page.
    issue = Issue.objects.get(reporter__username="jumin", description__startswith=ELEVATOR)
    order = in_own_thread(lambda: _order_done(issue))
    in_own_thread(
        lambda: _act("juwei", "work_order", order.pk, "verify", {"verify-approved": "yes"})
    )
    rate = tasks.locator("li.task", has_text=f"#{order.pk}")
    rate.wait_for()
    assert "评价办理结果" in rate.inner_text()
    assert resident.url == f"{server.url}/"  # all of it without reload
    assert_accessible(resident, "resident's home with three tasks arrived live")

    # The re-election reminder runs: the committee's report is a task, without reload.
    assert in_own_thread(lambda: committee_services.remind_reelection(today=date(2027, 11, 30)))
    committee_tasks.locator("li.task", has_text="报告换届").wait_for()

    # The demo petition reaches 20 %: "convene the meeting" is due; the clock finds the
    # deadline missed and the task turns overdue, live.
    demo_petition = OwnersVote.objects.get(title=PETITION_TITLE)
    signer = _neighbour(demo_petition).username
    in_own_thread(lambda: _act(signer, "vote", demo_petition.pk, "sign"))
    # (yeweihui owns a flat too: their "sign" task on it gives way to "convene")
    convene = committee_tasks.locator("li.task", has_text="召集业主大会").filter(
        has_text=PETITION_TITLE
    )
    convene.wait_for()
    assert convene.locator(".badge-overdue").count() == 0
    OwnersVote.objects.filter(pk=demo_petition.pk).update(
        convene_by=timezone.now() - timedelta(minutes=1)
    )
    in_own_thread(vote_services.run_clock)
    convene.locator(".badge-overdue").wait_for()
    assert "已逾期" in convene.inner_text()
    assert committee.url == f"{server.url}/"
    assert_accessible(committee, "committee's home with an overdue task")

    # The resident follows "rate this outcome" to the issue page and rates on the phone.
    rate.locator("a").click()
    resident.wait_for_url(f"{server.url}/issues/{issue.pk}/")
    form = resident.locator(f"#work_order-confirm-{order.pk}")
    assert form.is_visible()
    form.locator("input[name=confirm-fixed][value=yes]").check()
    form.locator("input[name=confirm-rating][value=satisfied]").check()
    form.get_by_role("button").click()
    form.wait_for(state="detached")
    assert WorkOrder.objects.get(pk=order.pk).status != WorkOrder.Status.VERIFIED
    resident.goto(f"{server.url}/")
    assert tasks.locator("li.task", has_text=f"#{order.pk}").count() == 0
    for page in (resident, committee):
        page.context.close()
