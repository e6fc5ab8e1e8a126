"""Work orders on the action model: each role's tasks (the committee's extension decisions,
the supervision group's follow-ups, the resident's rating on their home page), the order
page's controls for pending extensions and open escalations, and the "fetch again" markers
that steps not taken through an action (dispatch, the SLA sweep, an extension decision that
changes the order's own controls) must record in their transaction."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.models import Event, Organization, WorkOrder
from deliberation.services.work_orders import (
    accept_work_order,
    decide_extension,
    dispatch_work_order,
    request_extension,
    sweep_deadlines,
)
from tests.intake.factories import dispatched, tuanjie, user, verified
from tests.support.clients import login_client
from workflows.work_orders import perform

pytestmark = pytest.mark.django_db


def _tasks(username: str) -> list[tuple[str, str, int]]:
    return [(t.kind.name, t.action.name, t.obj.pk) for t in actions.tasks_for(user(username))]


def _markers(kind: str) -> set[str]:
    return set(Event.objects.filter(kind=kind).values_list("topic", flat=True))


def _with_extension():
    _issue, order = dispatched()
    accept_work_order(work_order=order, actor=user("wuye"))
    order.refresh_from_db()
    extension = request_extension(
        work_order=order,
        actor=user("wuye"),
        reason="等待配件<b>",
        new_resolve_by=order.resolve_by + timedelta(days=2),
    )
    return order, extension


def _verified_in_step_with_its_flow():
    """Moved through the flow (as the pages do), so the confirm step finds its task."""
    issue, order = dispatched()
    perform(order, "accept", actor=user("wuye"))
    perform(order, "complete", actor=user("wuye"), text="已修好", photos=[])
    perform(order, "verify", actor=user("juwei"), approved=True, note="")
    return issue, order


def _supervisor() -> Organization:
    return Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)


def test_the_committee_decides_extensions_from_its_task_list(demo) -> None:
    order, extension = _with_extension()
    assert ("extension", "decide", extension.pk) in _tasks("juwei")
    assert all(k != "extension" for k, _n, _pk in _tasks("wuye"))  # the firm asked; it waits
    task = next(t for t in actions.tasks_for(user("juwei")) if t.kind.name == "extension")
    assert task.due == order.resolve_by  # decided before the order's running deadline
    assert task.url == reverse("work-order-detail", args=[order.pk])
    decide_extension(extension=extension, actor=user("juwei"), approve=True)
    assert ("extension", "decide", extension.pk) not in _tasks("juwei")


def test_the_order_page_draws_the_controls_of_its_pending_extension(demo) -> None:
    order, extension = _with_extension()
    url = reverse("work-order-detail", args=[order.pk])
    page = login_client(user("juwei")).get(url).content.decode()
    assert f'id="controls-extension-{extension.pk}"' in page
    assert 'data-action="decide"' in page and "等待配件&lt;b&gt;" in page
    decide = reverse("action", args=["extension", extension.pk, "decide"])
    assert f'action="{decide}"' in page
    firm = login_client(user("wuye")).get(url).content.decode()
    assert 'data-action="decide"' not in firm
    # the firm has asked: it may not ask again until the committee decides
    assert 'data-action="complete"' in firm and 'data-action="extension"' not in firm


def test_a_new_extension_request_reaches_an_open_order_page_with_its_decide_step(
    demo,
) -> None:
    """The committee has the order page open when the firm asks for more time: the marker
    reaches the page's topic, and the controls it refetches hold the decide step."""
    _issue, order = dispatched()
    committee, firm = login_client(user("juwei")), login_client(user("wuye"))
    page = committee.get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert 'data-action="decide"' not in page
    joined = re.search(r'ws-connect="/ws/live/\?topics=([^&"]+)', page)
    assert joined and f"work_order%3A{order.pk}%3Astaff" in joined.group(1)
    assert firm.post(reverse("action", args=["work_order", order.pk, "accept"])).status_code == 302
    before = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    asked = firm.post(
        reverse("action", args=["work_order", order.pk, "extension"]),
        {
            "ext-reason": "等待配件",
            "ext-new_resolve_by": (order.resolve_by + timedelta(days=2)).strftime("%Y-%m-%d %H:%M"),
        },
    )
    assert asked.status_code == 302, asked.content.decode()[:2000]
    extension = order.extension_requests.get()
    markers = Event.objects.filter(
        id__gt=before, kind="controls", topic=f"work_order:{order.pk}:staff"
    )
    target = f'data-refetch-target="controls-work_order-{order.pk}"'
    marker = next(e.html["zh-hans"] for e in markers if target in e.html["zh-hans"])
    assert f'id="controls-work_order-{order.pk}"' in page  # the element the marker names
    url = re.search(r'data-refetch="([^"]+)"', marker).group(1)
    controls = committee.get(url).content.decode()
    assert f'id="controls-extension-{extension.pk}"' in controls
    assert 'data-action="decide"' in controls and "等待配件" in controls
    assert 'data-action="decide"' not in firm.get(url).content.decode()


def test_deciding_an_extension_refreshes_the_orders_own_controls(demo) -> None:
    order, extension = _with_extension()
    Event.objects.all().delete()
    committee = login_client(user("juwei"))
    decide = reverse("action", args=["extension", extension.pk, "decide"])
    assert committee.post(decide, {"decide-approve": "yes"}).status_code == 302
    html = [e.html["zh-hans"] for e in Event.objects.filter(kind="controls")]
    order_controls = reverse("action-controls", args=["work_order", order.pk])
    assert any(order_controls in h for h in html)  # the firm may ask for more time again
    assert f"org:{order.responsible_id}:inbox" in _markers("tasks")


def test_dispatching_tells_the_parties_task_lists_to_fetch_again(demo) -> None:
    firm = tuanjie().property_provider
    co_operating = Organization.objects.exclude(pk=firm.pk).filter(kind="property_firm").first()
    order = dispatch_work_order(
        actor=user("juwei"),
        responsible=firm,
        title="单元门",
        description="d",
        compound=tuanjie(),
        co_operating=[co_operating] if co_operating else [],
    )
    topics = _markers("tasks")
    assert f"org:{firm.pk}:inbox" in topics
    if co_operating:
        assert f"org:{co_operating.pk}:inbox" in topics
    assert ("work_order", "accept", order.pk) in _tasks("wuye")


def test_the_sweep_gives_the_supervision_group_a_task_and_says_so_live(demo) -> None:
    _issue, order = dispatched()
    WorkOrder.objects.exclude(pk=order.pk).delete()
    WorkOrder.objects.filter(pk=order.pk).update(respond_by=timezone.now() - timedelta(hours=1))
    Event.objects.all().delete()
    assert sweep_deadlines() == 1
    escalation = order.escalations.get()
    # recorded with the escalation: the supervisors' open home pages and inboxes refetch,
    # and the firm's, whose task now shows it is overdue
    topics = _markers("tasks")
    assert f"org:{_supervisor().pk}:inbox" in topics
    assert f"org:{order.responsible_id}:inbox" in topics
    assert ("escalation", "handle", escalation.pk) in _tasks("dudao")
    for username in ("juwei", "wuye", "jumin"):
        assert all(k != "escalation" for k, _n, _pk in _tasks(username)), username
    overdue = next(t for t in actions.tasks_for(user("wuye")) if t.obj.pk == order.pk)
    assert overdue.overdue

    url = reverse("work-order-detail", args=[order.pk])
    page = login_client(user("dudao")).get(url).content.decode()
    assert f'id="controls-escalation-{escalation.pk}"' in page and 'data-action="handle"' in page
    home = login_client(user("dudao")).get("/").content.decode()
    assert reverse("work-order-detail", args=[order.pk]) in home


def test_the_resident_finds_the_rating_owed_on_their_home_page(demo) -> None:
    issue, order = verified()
    page = login_client(user("jumin")).get("/").content.decode()
    assert 'id="task-list"' in page
    assert f'href="{reverse("issue-detail", args=[issue.pk])}"' in page  # rated there
    neighbour = login_client(user("jumin2")).get("/").content.decode()
    assert f'href="{reverse("issue-detail", args=[issue.pk])}"' not in neighbour


def test_the_rating_form_posts_to_the_confirm_action(demo) -> None:
    issue, order = verified()
    page = login_client(user("jumin")).get(reverse("issue-detail", args=[issue.pk]))
    confirm = reverse("action", args=["work_order", order.pk, "confirm"])
    assert f'hx-post="{confirm}"' in page.content.decode()


def test_a_rating_sent_without_script_returns_to_the_issue(demo) -> None:
    issue, order = _verified_in_step_with_its_flow()
    confirm = reverse("action", args=["work_order", order.pk, "confirm"])
    response = login_client(user("jumin")).post(
        confirm, {"confirm-fixed": "yes", "confirm-rating": "satisfied"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("issue-detail", args=[issue.pk])
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.CLOSED


def test_an_htmx_step_from_another_page_still_moves_there(demo) -> None:
    """Answered in place only when sent from the page it would lead to."""
    issue, order = _verified_in_step_with_its_flow()
    confirm = reverse("action", args=["work_order", order.pk, "confirm"])
    response = login_client(user("jumin")).post(
        confirm,
        {"confirm-fixed": "yes", "confirm-rating": "satisfied"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("issue-detail", args=[issue.pk])


def test_the_old_order_step_urls_are_gone(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    assert firm.post(f"/work-orders/{order.pk}/accept/").status_code == 404
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED
