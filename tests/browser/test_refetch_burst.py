"""A burst of changes reaches an open page whole (static/js/live.js, the refetch markers).

Two changes to jumin's task list come one after the other while the page's fetch of the
list after the first is still on its way (held back here, answered with the list as it was
after the first change). The page must end with both tasks: the marker of the second
change is fetched again, into the list as it is once the first answer is in. (Before, every
refetch went out from <body>: the second was queued there holding the list element of the
moment, which the first answer replaced, so the second answer went nowhere and the page
stayed at the first change: "a burst of five votes left the chair's controls at the
first".)
"""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.live.topics import topic
from deliberation.models import Event
from deliberation.services import votes as vote_services
from tests.browser.test_resident_tasks import NEW_PETITION, _start_petition
from tests.hardening import surfaces_votes
from tests.support.browser import browser_login, in_own_thread, wait_live
from tests.support.demo import Demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_change_that_arrives_while_the_list_is_being_fetched_is_not_lost(
    browser: Any, live_server_asgi: Any
) -> None:
    server = live_server_asgi
    demo = Demo()
    page = browser_login(browser, server, "jumin")
    wait_live(page)
    tasks = page.locator("#task-list")
    held: list[Any] = []
    page.route(
        "**/tasks/",
        lambda route: held.append(route) if not held else route.continue_(),
    )

    # The first change: the page asks for its list again, and that request is held.
    in_own_thread(_start_petition)
    for _ in range(200):  # the route handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the page has not asked for its list again"
    first_answer = held[0].fetch()  # the list after the first change only

    # The second change's marker arrives while that request is still in flight.
    vote = in_own_thread(lambda: surfaces_votes.noticed(demo))
    in_own_thread(vote_services.run_clock)
    home = topic("user", demo.user("jumin").pk, "home")
    last = Event.objects.filter(topic=home).order_by("-id").values_list("id", flat=True)[0]
    page.wait_for_function(
        "last => Number(document.getElementById('live').dataset.liveLast) >= last", arg=last
    )
    held[0].fulfill(response=first_answer)

    tasks.locator("li.task", has_text=NEW_PETITION).wait_for()
    tasks.locator("li.task", has_text=vote.title).wait_for(timeout=5_000)
    assert page.url == f"{server.url}/"  # without reload
    page.context.close()
