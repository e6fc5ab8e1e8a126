"""The one action shape, seen from outside: ``POST /<kind>/<id>/actions/<name>/``.

Policy first (403 before any input is read), then state (409), then the form (400 with
field errors), then the service; one answer per client (page, htmx, JSON). Work orders are
the subject because their steps exercise forms, flows and tasks.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from deliberation import actions
from deliberation.models import Event, WorkOrder
from deliberation.services import committees as committee_services
from tests.intake.factories import dispatched, user
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
JSON = {"HTTP_ACCEPT": "application/json"}


def _url(order: WorkOrder, name: str) -> str:
    return reverse("action", args=["work_order", order.pk, name])


def test_a_party_that_may_not_gets_403_before_its_input_is_read(demo) -> None:
    _issue, order = dispatched()
    # The committee sees the order but may not answer it for the firm; its (invalid) input
    # is never looked at.
    response = login_client(user("juwei")).post(_url(order, "complete"), {"complete-text": ""})
    assert response.status_code == 403
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


def test_someone_who_may_not_know_of_the_order_gets_the_404_a_missing_id_gets(demo) -> None:
    _issue, order = dispatched()
    resident = login_client(user("jumin2"))  # not the reporter: a neighbour
    assert resident.post(_url(order, "accept")).status_code == 404
    assert (
        resident.post(reverse("action", args=["work_order", 999999, "accept"])).status_code == 404
    )


@pytest.mark.parametrize(("kind", "name"), [("nothing", "accept"), ("work_order", "explode")])
def test_unknown_kinds_and_actions_are_404(demo, kind, name) -> None:
    _issue, order = dispatched()
    response = login_client(user("wuye")).post(reverse("action", args=[kind, order.pk, name]))
    assert response.status_code == 404


def test_a_step_the_state_no_longer_allows_is_409_and_changes_nothing(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    assert firm.post(_url(order, "accept")).status_code == 302
    before = Event.objects.count()
    again = firm.post(_url(order, "accept"))
    assert again.status_code == 409
    assert "out of date" in again.content.decode() or "过期" in again.content.decode()
    assert Event.objects.count() == before


def test_a_page_post_is_redirected_with_a_message_that_says_what_happened(demo) -> None:
    _issue, order = dispatched()
    response = login_client(user("wuye")).post(_url(order, "accept"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("work-order-detail", args=[order.pk])
    text = response.content.decode()
    assert f"#{order.pk}" in text and ("受理" in text or "accepted" in text)
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS  # accepted: the work is under way


def test_bad_input_on_a_page_shows_the_action_alone_with_its_errors_and_keeps_the_text(
    demo,
) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    firm.post(_url(order, "accept"))
    response = firm.post(
        _url(order, "extension"), {"ext-reason": "等配件", "ext-new_resolve_by": "x"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "data-error-summary" in text and "等配件" in text
    assert not order.extension_requests.exists()


def test_htmx_gets_the_persons_refreshed_controls_with_the_outcome(demo) -> None:
    _issue, order = dispatched()
    response = login_client(user("wuye")).post(_url(order, "accept"), **HTMX)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'id="controls-work_order-{order.pk}"' in text
    assert 'role="status"' in text
    assert 'data-action="complete"' in text and 'data-action="accept"' not in text


def test_htmx_bad_input_comes_back_in_the_controls_with_its_errors(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    firm.post(_url(order, "accept"))
    response = firm.post(_url(order, "complete"), {"complete-text": ""}, **HTMX)
    assert response.status_code == 400
    assert "data-error-summary" in response.content.decode()


def test_json_clients_get_the_same_answers_as_data(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    done = firm.post(_url(order, "accept"), **JSON)
    assert done.status_code == 200 and done.json()["ok"] is True
    assert done.json()["url"] == reverse("work-order-detail", args=[order.pk])
    bad = firm.post(_url(order, "complete"), {"complete-text": ""}, **JSON)
    assert bad.status_code == 400 and "text" in bad.json()["fields"]
    late = firm.post(_url(order, "accept"), **JSON)
    assert late.status_code == 409 and late.json()["message"]
    denied = login_client(user("juwei")).post(_url(order, "complete"), **JSON)
    assert denied.status_code == 403 and json.loads(denied.content)["ok"] is False


def test_a_services_untranslated_refusal_never_reaches_the_person(demo, monkeypatch) -> None:
    _issue, order = dispatched()

    def refuse(obj, actor, data):
        raise ValueError("internal detail: constraint wo_xyz")

    accept = actions.action_of("work_order", "accept")
    monkeypatch.setitem(
        actions.ACTIONS["work_order"], "accept", dataclasses.replace(accept, run=refuse)
    )
    response = login_client(user("wuye")).post(_url(order, "accept"))
    assert response.status_code == 400
    assert "internal detail" not in response.content.decode()


def test_a_step_tells_everyone_following_the_order_to_refetch_in_its_transaction(demo) -> None:
    _issue, order = dispatched()
    login_client(user("wuye")).post(_url(order, "accept"))
    markers = Event.objects.filter(kind__in=["controls", "tasks"]).values_list("kind", "topic")
    assert ("controls", f"work_order:{order.pk}:staff") in set(markers)
    assert ("tasks", f"org:{order.responsible_id}:inbox") in set(markers)
    html = Event.objects.filter(kind="controls").latest("id").html["zh-hans"]
    assert (
        "data-refetch" in html and reverse("action-controls", args=["work_order", order.pk]) in html
    )
    assert order.title not in html  # a marker says "fetch again", never what changed


def test_the_action_alone_on_its_own_page(demo) -> None:
    _issue, order = dispatched()
    firm = login_client(user("wuye"))
    assert firm.get(_url(order, "send_back")).status_code == 200
    assert login_client(user("juwei")).get(_url(order, "send_back")).status_code == 403
    firm.post(_url(order, "accept"))
    assert firm.get(_url(order, "send_back")).status_code == 409


def test_a_services_refusal_naming_no_field_shows_in_the_page_forms_error_summary(demo) -> None:
    """``InvalidInput`` without fields (too few candidates to put to the owners), posted as a
    plain page: the re-rendered form says why in its error summary."""
    election = committee_services.start_election(
        actor=user("juwei"), compound=demo.tuanjie, seats=3
    )
    url = reverse("action", args=["election", election.pk, "put_to_vote"])
    response = login_client(user("yeweihui")).post(url, {"title": "第五届业委会选举"})
    assert response.status_code == 400
    text = response.content.decode()
    summary = text[text.index("data-error-summary") :]
    with translation.override("zh-hans"):
        expected = gettext("Nominate at least as many candidates as there are seats.")
    assert expected in summary[: summary.index("</div>")]
    election.refresh_from_db()
    assert election.vote_id is None
