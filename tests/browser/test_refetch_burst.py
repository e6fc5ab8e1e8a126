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

import contextlib
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

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


BURST = """([url, id, n]) => {
  const slot = document.getElementById("live-refetch");
  for (let i = 0; i < n; i++) {  // as n pushes in a row, each one marker
    const marker = document.createElement("span");
    marker.dataset.refetch = url;
    marker.dataset.refetchTarget = id;
    slot.append(marker);
    document.dispatchEvent(new CustomEvent("htmx:wsAfterMessage"));
  }
}"""


def test_a_burst_of_markers_ends_with_a_fetch_made_after_the_last(
    browser: Any, live_server_asgi: Any
) -> None:
    """Five markers for the list in a row, twenty times: each burst ends with the list as
    fetched after its last marker (here each answer says which fetch it was), and the
    markers that came while a fetch was in flight cost one fetch more, not four."""
    server = live_server_asgi
    page = browser_login(browser, server, "jumin")
    wait_live(page)
    fetched: list[int] = []

    def answer(route: Any) -> None:
        fetched.append(len(fetched) + 1)
        body = f'<section id="task-list" data-fetch="{fetched[-1]}"></section>'
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=body)

    page.route("**/tasks/", answer)
    wrong = []
    for burst in range(20):
        fetched.clear()
        page.evaluate(BURST, ["/tasks/", "task-list", 5])
        with contextlib.suppress(PlaywrightTimeoutError):  # told below
            page.locator("#task-list[data-fetch='2']").wait_for(state="attached", timeout=10_000)
        page.wait_for_timeout(200)  # time for a fetch too many
        shown = page.get_attribute("#task-list", "data-fetch")
        if (shown, len(fetched)) != ("2", 2):
            wrong.append(f"burst {burst}: shows fetch {shown} of {len(fetched)}")
    assert not wrong, f"{len(wrong)} of 20 bursts ended wrong:\n" + "\n".join(wrong)
    page.context.close()


#: The element was replaced since it was marked ``data-old``, and shows a confirmation.
REFETCHED_WITH_NOTICE = """id => {
  const el = document.getElementById(id);
  return !!el && !el.dataset.old && !!el.querySelector(".notice[role=status]");
}"""


def test_a_steps_confirmation_survives_every_refetch_soon_after_it(
    browser: Any, live_server_asgi: Any
) -> None:
    """The step's own marker and another's (a job's, someone else's step) often refetch the
    same element one after the other. The confirmation was put back after the first refetch
    only, so the second took it away ("the owner's ballot was saved" vanished in a CI run
    of the owners'-vote journey)."""
    server = live_server_asgi
    page = browser_login(browser, server, "jumin")
    wait_live(page)
    tasks = page.locator("#task-list")
    in_own_thread(_start_petition)
    sign = tasks.locator("li.task", has_text=NEW_PETITION)
    sign.get_by_role("button").click()
    tasks.locator(".notice[role=status]").wait_for()
    for n in (1, 2, 3):
        page.evaluate("id => { document.getElementById(id).dataset.old = '1'; }", "task-list")
        page.evaluate(BURST, ["/tasks/", "task-list", 1])
        # fetched again and swapped in, the confirmation put back (a timeout: it was not)
        try:
            page.wait_for_function(REFETCHED_WITH_NOTICE, arg="task-list", timeout=3_000)
        except PlaywrightTimeoutError:
            pytest.fail(f"refetch {n} after the step lost its confirmation")
    page.context.close()
