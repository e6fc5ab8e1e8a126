"""Ids typed by users: only ASCII digits without a leading zero, at most 18 of them.

``'²'.isdigit()`` is true and ``int('²')`` raises: a 500 on a dozen endpoints (several
anonymous) and the websocket handshake on today's main. ``int('٣')`` is 3 and ``063`` is 63:
another spelling of an id. Every one is now a clear 4xx (or ignored) and changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.test import Client
from django.urls import reverse

from deliberation.ids import parse_count, parse_id, parse_ids
from deliberation.live.consumer import CLOSE_BAD_REQUEST
from deliberation.models import AgendaItem, Event, Issue, Session
from tests.sessions.helpers import action_url, fields, opened, user
from tests.support.clients import communicator, login_client

#: What ``isdigit`` / ``int`` accept that is no id of ours.
NOT_IDS = ["²", "٣", "１２", "063", "0", "+7", " 7", "7 ", "1_0", "99999999999999999999", "1e3"]


@pytest.mark.parametrize("text", NOT_IDS + ["", "abc", "\x00", "7\n"])
def test_parse_id_refuses_every_other_spelling(text: str) -> None:
    assert parse_id(text) is None


def test_parse_id_accepts_plain_ids_up_to_a_bigint() -> None:
    assert parse_id("7") == 7
    assert parse_id("9" * 18) == 10**18 - 1  # below 2**63: fits a PostgreSQL bigint
    assert parse_ids(["1", "22"]) == [1, 22]
    assert parse_ids(["1", "²"]) is None
    assert parse_count("90", below=600) == 90 and parse_count("600", below=600) is None


def _rows() -> tuple[int, ...]:
    return (Issue.objects.count(), AgendaItem.objects.count(), Event.objects.count())


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "٣", "063", "99999999999999999999"])
def test_anonymous_open311_ids(demo, bad: str) -> None:
    api = Client()
    detail = api.get(f"/open311/v2/requests/{bad}.json")
    assert detail.status_code == 404, detail.content
    assert detail.json()[0]["code"] == 404
    listed = api.get("/open311/v2/requests.json", {"service_request_id": f"1,{bad}"})
    assert listed.status_code == 400, listed.content
    assert "service_request_id" in listed.json()[0]["description"]


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "٣", "063", "abc"])
def test_inbox_and_report_with_a_bad_organization_or_compound(demo, bad: str) -> None:
    before = _rows()
    assert login_client(demo.user("juwei")).get("/inbox/", {"org": bad}).status_code == 404
    report = login_client(demo.user("jumin")).post(
        reverse("issue-report"), {"compound": bad, "description": "楼道灯坏了"}
    )
    assert report.status_code == 400
    assert _rows() == before


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "abc", "99999999999999999999"])
def test_session_actions_with_bad_ids_as_the_chair(demo, bad: str) -> None:
    """The chair passes every rule, so the input itself is what is answered."""
    session = opened(demo)
    chair = login_client(user("shuji"))
    before = _rows()
    order = list(session.items.order_by("order").values_list("pk", flat=True))
    # Each step's form offers the items, sessions and issues there are: any other id is a
    # field error (400), whatever its spelling.
    posts: list[tuple[str, dict[str, Any], tuple[int, ...]]] = [
        ("open_item", {"item": bad}, (400,)),
        ("defer", {"item": bad}, (400,)),
        ("refer", {"item": bad}, (400,)),
        ("reorder", {"item": bad, "direction": "up"}, (400,)),
        ("countdown", {"party": "provider", "seconds": bad}, (400,)),
        ("add_item", {"title": "", "issues": bad, "time_budget_minutes": bad}, (400,)),
    ]
    for name, data, statuses in posts:
        url = action_url("session", session.pk, name)
        response = chair.post(url, fields(name, **data), HTTP_HX_REQUEST="true")
        assert response.status_code in statuses, (name, data, response.status_code)
    first = session.items.order_by("order").first()
    assert first is not None
    defer = chair.post(
        action_url("session", session.pk, "defer"),
        fields("defer", item=first.pk, to_session=bad),
        HTTP_HX_REQUEST="true",
    )
    assert defer.status_code == 400
    assert _rows() == before
    assert list(session.items.order_by("order").values_list("pk", flat=True)) == order
    Session.objects.get(pk=session.pk)  # still there, unchanged


@pytest.mark.django_db
def test_convening_with_a_non_ascii_compound_id(demo) -> None:
    before = (Session.objects.count(), _rows())
    response = login_client(user("shuji")).post(
        action_url("compound", demo.tuanjie.pk, "convene"),
        fields("convene", compound="²", issues=["²", "٣"], title="会"),
    )
    assert response.status_code == 400
    assert (Session.objects.count(), _rows()) == before


@pytest.mark.django_db(transaction=True)
def test_topics_with_another_spelling_of_an_id_are_a_bad_request(tdemo) -> None:
    """``issue:063:public`` would join a group no event is ever sent to; ``issue:²:public``
    crashed the handshake. Both are malformed: 4400."""
    client = login_client(tdemo.user("jumin"))
    compound_id = tdemo.tuanjie.pk

    async def scenario() -> None:
        for path in [
            f"/ws/live/?topics=issue:{spelling}:public"
            for spelling in ("²", "٣", "063", "99999999999999999999")
        ] + [f"/ws/live/?topics=compound:{compound_id}:public,issue:%C2%B2:public"]:
            comm = communicator(client, path)
            connected, code = await comm.connect()
            assert not connected and code == CLOSE_BAD_REQUEST, (path, code)

    async_to_sync(scenario)()


@pytest.mark.django_db
def test_committee_numbers_are_plain_ascii(demo) -> None:
    """``int('٥')`` is 5: an election planned from Arabic-Indic digits. Now a 400."""
    from deliberation.models import CommitteeElection

    start = reverse("action", args=["compound", demo.tuanjie.pk, "start_election"])
    juwei = login_client(demo.user("juwei"))

    def plan(seats: str) -> dict[str, str]:
        return {
            "start_election-seats": seats,
            "start_election-alternates": "0",
            "start_election-term_years": "5",
        }

    for seats in ["٥", "５", "05", "5_0", "99999999999999999999"]:
        response = juwei.post(start, plan(seats))
        assert response.status_code == 400, (seats, response.status_code)
    assert not CommitteeElection.objects.exists()
    ok = juwei.post(start, plan("5"))
    assert ok.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/issues/99999999999999999999/", "/compounds/99999999999999999999/votes/"]
)
def test_ids_beyond_a_bigint_in_urls_are_404_on_postgresql(demo, path: str) -> None:
    assert login_client(demo.user("jiedao")).get(path).status_code == 404
