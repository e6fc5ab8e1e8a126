"""Property-based: every Open311 query parameter and field, every id a page or form reads
from the request, and every topic, with the characters that broke them (non-ASCII digits,
NUL, CR/LF, over-long text, huge numbers), on PostgreSQL. Never a 5xx; a refusal stores
nothing."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation import policy
from deliberation.demo.channels import DEMO_OPEN311_KEY
from deliberation.ids import parse_id
from deliberation.models import AgendaItem, Event, IdempotencyKey, Issue, Session
from deliberation.policy.registry import TOPIC_RULES
from tests.sessions.helpers import action_url, fields, opened, user
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db

#: The character classes of issue 16 part 4, alone and mixed.
NON_ASCII_DIGITS = "²³¹٣٤߀०१１２"
HOSTILE = st.one_of(
    st.sampled_from(["²", "٣", "１２", "063", "0", "-1", "1e9", "1,²", "1, 2", "\x00", "\r\n"]),
    st.text(alphabet="0123456789" + NON_ASCII_DIGITS + "\x00\r\n, :", min_size=1, max_size=25),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["长", "a", "9", "\x00", "\r\n"]),
        st.integers(201, 5000),
    ),
    st.builds(lambda a, b: f"{a}\r\n{b}", st.text(max_size=8), st.text(max_size=8)),
)

fast = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def unlimited(settings: Any) -> None:
    """These tests send hundreds of requests from one address: no budget in the way."""
    buckets = ("read", "key_read", "wrong_key", "post")
    settings.OPEN311_RATE_LIMITS = {name: (10**6, 60) for name in buckets}


def stored() -> tuple[int, ...]:
    return (
        Issue.objects.count(),
        AgendaItem.objects.count(),
        Session.objects.count(),
        Event.objects.count(),
        IdempotencyKey.objects.count(),
    )


OPEN311_PARAMETERS = [
    "service_request_id",
    "service_code",
    "status",
    "start_date",
    "end_date",
    "api_key",
    "jurisdiction_id",
]


@fast
@given(name=st.sampled_from(OPEN311_PARAMETERS), value=HOSTILE, xml=st.booleans())
def test_open311_reads_never_fail(demo, unlimited, name: str, value: str, xml: bool) -> None:
    fmt = "xml" if xml else "json"
    before = stored()
    api = Client()
    for url, params in [
        (f"/open311/v2/requests.{fmt}", {name: value}),
        (f"/open311/v2/requests/{quote(value, safe='')}.{fmt}", {}),
        (f"/open311/v2/services/{quote(value, safe='')}.{fmt}", {}),
    ]:
        response = api.get(url, params)
        assert response.status_code < 500, (url, params, response.content[:300])
    assert stored() == before


OPEN311_FIELDS = [
    "service_code",
    "description",
    "address_string",
    "compound_id",
    "address_id",
    "building_id",
    "unit_id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "device_id",
    "account_id",
    "media_url",
    "lat",
    "long",
    "api_key",
]


@fast
@given(name=st.sampled_from(OPEN311_FIELDS), value=HOSTILE, as_json=st.booleans())
def test_open311_posts_never_fail(demo, unlimited, name: str, value: str, as_json: bool) -> None:
    import json

    body = {
        "api_key": DEMO_OPEN311_KEY,
        "service_code": "elevator",
        "description": "2号楼电梯不动了",
        "address_string": "团结公寓2号楼",
        name: value,
    }
    before = stored()
    api = Client()
    if as_json:
        response = api.post(
            "/open311/v2/requests.json", json.dumps(body), content_type="application/json"
        )
    else:
        response = api.post("/open311/v2/requests.json", body)
    assert response.status_code < 500, (name, value[:80], response.content[:300])
    if response.status_code >= 400:
        assert stored() == before
    else:
        issue = Issue.objects.get(pk=int(response.json()[0]["service_request_id"]))
        assert "\x00" not in issue.description + issue.location_text + issue.reporter_name


@settings(fast, max_examples=12)
@given(value=HOSTILE.filter(lambda v: parse_id(v) is None))
def test_ids_in_pages_and_forms_never_fail(demo, value: str) -> None:
    session = Session.objects.filter(status=Session.Status.OPEN).first() or opened(demo)
    chair, juwei, jumin = (login_client(user(n)) for n in ("shuji", "juwei", "jumin"))
    before = stored()
    order = list(session.items.order_by("order").values_list("pk", flat=True))
    answers = [
        juwei.get(reverse("inbox"), {"org": value}),
        jumin.post(reverse("issue-report"), {"compound": value, "description": ""}),
        chair.post(
            action_url("compound", session.compounds.first().pk, "convene"),
            fields("convene", compound=value, issues=value),
        ),
    ]
    for name, data in [
        ("open_item", {"item": value}),
        ("defer", {"item": value, "to_session": value}),
        ("refer", {"item": value}),
        ("reorder", {"item": value, "direction": "down"}),
        ("countdown", {"party": "provider", "seconds": value}),
        ("add_item", {"title": "", "issues": value, "time_budget_minutes": value}),
    ]:
        url = action_url("session", session.pk, name)
        answers.append(chair.post(url, fields(name, **data), HTTP_HX_REQUEST="true"))
    assert [r.status_code for r in answers if r.status_code >= 500] == []
    assert stored() == before
    assert list(session.items.order_by("order").values_list("pk", flat=True)) == order


@fast
@given(
    kind=st.sampled_from(sorted(TOPIC_RULES)),
    object_id=HOSTILE,
    audience=st.one_of(st.sampled_from(["public", "staff", "room", "inbox", "home"]), HOSTILE),
)
def test_topics_with_hostile_parts_are_refused_without_error(
    demo, kind: str, object_id: str, audience: str
) -> None:
    name = f"{kind}:{object_id}:{audience}"
    allowed = policy.can_subscribe(user("jiedao"), name)
    if parse_id(object_id) is None or ":" in object_id + audience:
        assert allowed is False, name
