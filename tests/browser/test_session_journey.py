"""A consultation session from convening to its end, as the parties meet it: the secretary
convenes; the firm's and the owners' committee's staff find the invitation in their task list
on the home page without reloading and accept it in one tap; the chair's page offers only
the current phase's next steps and changes live as the meeting opens, a round opens and
closes, a resolution is decided and the meeting ends (after which no control remains); the
firm's delegate gets the position form live when the round opens."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from deliberation import actions
from deliberation.models import Invitation, Party, Resolution, Session, User
from tests.support.browser import browser_login, wait_live
from tests.support.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "团结公寓电梯更新议事协商会"


def _perform(username: str, kind: str, pk: int, name: str, data: dict | None = None) -> None:
    """A party that is not on screen takes its step through the same path (policy, state,
    form, service and the live refetch markers), from a thread of its own: this one runs
    the browser's event loop, from which the outbox cannot publish."""
    failures: list[BaseException] = []

    def run() -> None:
        try:
            obj = actions.kind_of(kind).load(pk)  # type: ignore[union-attr]
            action = actions.action_of(kind, name)
            assert action is not None
            user = User.objects.get(username=username)
            actions.perform(user=user, obj=obj, action=action, data=data)
        except BaseException as exc:  # noqa: BLE001  (re-raised in the test's thread)
            failures.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


def _steps(page, session_pk: int) -> list[str]:
    """The chair's next steps as drawn now (``data-action`` of each form)."""
    forms = page.locator(f"#controls-session-{session_pk} form[data-action]")
    return [forms.nth(i).get_attribute("data-action") for i in range(forms.count())]


def _wait_steps(page, session_pk: int, *, shown: str, gone: tuple[str, ...] = ()) -> list[str]:
    page.locator(f"#controls-session-{session_pk} form[data-action={shown}]").wait_for()
    for name in gone:
        page.locator(f"#controls-session-{session_pk} form[data-action={name}]").wait_for(
            state="detached"
        )
    return _steps(page, session_pk)


def _accept_from_home(page, title: str) -> None:
    task = page.locator("#task-list li.task", has_text=title)
    task.wait_for(timeout=10_000)  # arrived live: the page was not reloaded
    task.locator("form.one-tap button").click()
    task.wait_for(state="detached")


def test_invitations_answered_from_the_task_list_and_a_chair_led_by_the_phase(
    browser, live_server_asgi
) -> None:
    demo = Demo()
    server = live_server_asgi
    firm = browser_login(browser, server, "wuye")
    committee = browser_login(browser, server, "yeweihui")
    for page in (firm, committee):
        wait_live(page)
        assert page.locator("#task-list li.task", has_text=TITLE).count() == 0

    # The secretary convenes (one compound: straight to its form; several: choose first).
    chair = browser_login(browser, server, "shuji")
    chair.on("dialog", lambda dialog: dialog.accept())  # "End the session now?"
    chair.goto(f"{server.url}/sessions/new/")
    if "/compound/" not in chair.url:
        chair.click(f'a[data-compound="{demo.tuanjie.pk}"]')
    starts = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    chair.fill("#id_convene-title", TITLE)
    chair.fill("#id_convene-starts_at", starts)
    chair.fill("#id_convene-place", "中路社区居委会会议室")
    chair.fill("#id_convene-agenda", "2号楼电梯更新\n公共收益使用")
    chair.click('form[action$="/actions/convene/"] button[type=submit]')
    chair.wait_for_url(f"{server.url}/sessions/*/")
    session = Session.objects.get(title=TITLE)
    wait_live(chair)
    # Convened, nobody has confirmed: no step of the meeting yet, only the agenda's.
    steps = _steps(chair, session.pk)
    assert "open" not in steps and "end" not in steps and "open_round" not in steps

    # The firm's and the owners' committee's staff: the invitation in their task list, live.
    _accept_from_home(firm, TITLE)
    _accept_from_home(committee, TITLE)
    provider = Invitation.objects.get(session=session, party=Party.PROVIDER)
    owners = Invitation.objects.get(session=session, party=Party.OWNERS_BODY)
    assert provider.reply == owners.reply == Invitation.Reply.CONFIRMED
    # The member who accepted speaks for the party (changeable by the party itself).
    assert [u.username for u in provider.delegates.all()] == ["wuye"]
    assert [u.username for u in owners.delegates.all()] == ["yeweihui"]

    # The other parties answer too: the residents' committee for itself, the secretary for
    # the residents' representatives (who have no organization).
    committee_inv = Invitation.objects.get(session=session, party=Party.RESIDENTS_COMMITTEE)
    _perform("juwei", "invitation", committee_inv.pk, "accept")
    reps = Invitation.objects.get(session=session, party=Party.RESIDENTS_REPS)
    jumin = User.objects.get(username="jumin")
    _perform("shuji", "invitation", reps.pk, "delegates", {"delegates-delegates": [jumin.pk]})
    _perform("shuji", "invitation", reps.pk, "accept")
    # The chair answers for the Party organization on the room's page.
    mine = Invitation.objects.get(session=session, party=Party.PARTY_ORG)
    chair.click(f"#controls-invitation-{mine.pk} form[data-action=accept] button")

    # Quorum: "open the session" arrives live, the one step of this phase.
    steps = _wait_steps(chair, session.pk, shown="open")
    assert steps[0] == "open"
    assert not {"open_round", "close_round", "decide", "end", "propose"} & set(steps)

    # The firm's delegate waits in the room: no position form before a round opens.
    firm.goto(f"{server.url}/sessions/{session.pk}/")
    wait_live(firm)
    speak = firm.locator('#speak-provider form[data-action="speak"]')
    assert speak.count() == 0

    chair.click(f"#controls-session-{session.pk} form[data-action=open] button")
    steps = _wait_steps(chair, session.pk, shown="open_item", gone=("open",))
    assert "end" in steps and not {"open_round", "close_round", "decide"} & set(steps)

    item = session.items.order_by("order").first()
    chair.select_option(f"#controls-session-{session.pk} select[name=open_item-item]", str(item.pk))
    chair.click(f"#controls-session-{session.pk} form[data-action=open_item] button")
    steps = _wait_steps(chair, session.pk, shown="open_round")
    assert steps[0] == "open_round" and "close_round" not in steps

    chair.click(f"#controls-session-{session.pk} form[data-action=open_round] button")
    steps = _wait_steps(chair, session.pk, shown="close_round", gone=("open_round", "end"))
    assert steps[0] == "close_round" and not {"propose", "open_item", "decide"} & set(steps)
    speak.wait_for(timeout=10_000)  # the delegate's position form, live
    speak.locator('input[name="speak-stance"][value="support"]').check()
    speak.locator("textarea[name=speak-statement]").fill("同意更换，物业牵头实施")
    speak.locator("button[type=submit]").click()
    firm.locator('.round li[data-party="provider"][data-stance="support"]').wait_for()

    chair.click(f"#controls-session-{session.pk} form[data-action=close_round] button")
    steps = _wait_steps(chair, session.pk, shown="propose", gone=("close_round",))
    assert steps[0] == "open_round" and "end" in steps
    speak.wait_for(state="detached")  # the round closed: nothing to state any more

    propose = chair.locator(f"#controls-session-{session.pk} form[data-action=propose]")
    propose.locator("textarea[name=propose-decision]").fill("更换2号楼电梯")
    propose.locator("select[name=propose-responsible_party]").select_option("provider")
    deadline = (timezone.localdate() + timedelta(days=45)).isoformat()
    propose.locator("input[name=propose-deadline]").fill(deadline)
    propose.locator("textarea[name=propose-acceptance_criteria]").fill("电梯通过验收")
    propose.locator("button[type=submit]").click()
    chair.locator(f"#controls-session-{session.pk} form[data-action=propose]").wait_for(
        state="detached"
    )
    assert "decide" not in _steps(chair, session.pk)  # the parties have not voted yet
    resolution = Resolution.objects.get(item=item)
    for party, username in (
        (Party.PARTY_ORG, "shuji"),
        (Party.RESIDENTS_COMMITTEE, "juwei"),
        (Party.PROVIDER, "wuye"),
        (Party.OWNERS_BODY, "yeweihui"),
        (Party.RESIDENTS_REPS, "jumin"),
    ):
        inv = Invitation.objects.get(session=session, party=party)
        _perform(username, "invitation", inv.pk, "vote", {"vote-choice": "agree"})
    # Every present party voted: "close the vote" arrives live.
    steps = _wait_steps(chair, session.pk, shown="decide")
    assert steps[0] == "decide" and "end" not in steps
    chair.click(f"#controls-session-{session.pk} form[data-action=decide] button")
    steps = _wait_steps(chair, session.pk, shown="end", gone=("decide",))
    assert not {"open_round", "propose", "close_round"} & set(steps)
    resolution.refresh_from_db()
    assert resolution.status == Resolution.Status.ADOPTED

    chair.click(f"#controls-session-{session.pk} form[data-action=end] button")
    controls = chair.locator(f"#controls-session-{session.pk}")
    controls.locator("form").first.wait_for(state="detached")
    assert controls.locator("form").count() == 0
    chair.reload()
    assert chair.locator(f"#controls-session-{session.pk} form").count() == 0
    assert chair.locator(f"#controls-session-{session.pk}").get_attribute("hidden") is not None
    assert chair.locator("section.controls form").count() == 0  # no party's step either
    assert Session.objects.get(pk=session.pk).status == Session.Status.ENDED
    for page in (chair, firm, committee):
        page.context.close()
