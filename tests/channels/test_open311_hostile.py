"""Open311 against careless and hostile clients: impossible dates, NUL bytes, over-long
fields (the spec's 400 instead of a 500), retried POSTs (one issue), and budgets per client
address and per key (429 with Retry-After)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from deliberation.demo.channels import DEMO_OPEN311_KEY
from deliberation.models import IdempotencyKey, Issue, Open311Submission
from deliberation.services.open311_keys import create_api_key
from tests.concurrency import run_together
from tests.support.demo import Demo
from tests.support.open311 import error_of

BASE = "/open311/v2/"
REQUEST = {
    "api_key": DEMO_OPEN311_KEY,
    "service_code": "elevator",
    "description": "2号楼电梯不动了",
    "address_string": "团结公寓2号楼",
}


def stored() -> tuple[int, int, int]:
    return (
        Issue.objects.count(),
        Open311Submission.objects.count(),
        IdempotencyKey.objects.count(),
    )


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"start_date": "2026-13-45"}, "start_date"),
        ({"end_date": "2026-02-30T10:00:00"}, "end_date"),
        ({"start_date": "2026-11-03T09:15:00+99:00"}, "start_date"),
        ({"start_date": "0001-01-01T00:00:00"}, "1900"),
        ({"start_date": "0001-01-01"}, "1900"),
        ({"end_date": "0001-01-01T00:00:00+08:00"}, "1900"),
        ({"end_date": "9999-12-31T23:59:59-08:00"}, "2999"),
    ],
)
def test_impossible_dates_are_the_specs_400(demo: Demo, params: dict[str, str], fragment: str):
    assert fragment in error_of(Client().get(BASE + "requests.json", params), 400)


@pytest.mark.django_db
def test_dates_at_the_edges_of_the_range_still_work(demo: Demo) -> None:
    response = Client().get(
        BASE + "requests.json", {"start_date": "1900-01-01", "end_date": "2999-12-31T23:59:59"}
    )
    assert response.status_code == 200


# --- NUL bytes and lengths ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"service_code": "elevator\x00"},
        {"status": "open\x00"},
        {"start_date": "2026-01-01\x00"},
        {"service_request_id": "1\x00"},
        {"api_key": "\x00"},
        {"jurisdiction_id": "\x00"},
    ],
)
def test_nul_in_anonymous_query_parameters_is_a_400(demo: Demo, params: dict[str, str]) -> None:
    assert "NUL" in error_of(Client().get(BASE + "requests.json", params), 400)


@pytest.mark.django_db
def test_nul_in_a_path_is_a_400(demo: Demo) -> None:
    error_of(Client().get(BASE + "services/elevator%00.json"), 400)
    error_of(Client().get(BASE + "requests/1%00.json"), 400)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field", ["description", "service_code", "address_string", "first_name", "email", "device_id"]
)
def test_nul_in_a_posted_field_is_a_400_and_stores_nothing(demo: Demo, field: str) -> None:
    before = stored()
    value = REQUEST.get(field, "x") + "\x00"
    assert field in error_of(Client().post(BASE + "requests.json", {**REQUEST, field: value}), 400)
    body = json.dumps({**REQUEST, field: value})
    response = Client().post(BASE + "requests.json", body, content_type="application/json")
    assert field in error_of(response, 400)
    assert stored() == before


@pytest.mark.django_db
def test_a_lone_surrogate_in_json_is_a_400(demo: Demo) -> None:
    body = json.dumps(REQUEST)[:-1] + ', "description": "\\ud800"}'
    before = stored()
    response = Client().post(BASE + "requests.json", body, content_type="application/json")
    assert "description" in error_of(response, 400)
    assert stored() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "limit"),
    [
        ("email", "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "org", "254"),
        ("first_name", "长" * 101, "100"),
        ("description", "长" * 4001, "4000"),
        ("address_string", "团结公寓" + "长" * 200, "200"),
        ("account_id", "x" * 101, "100"),
        ("media_url", "https://example.org/" + "p" * 500, "500"),
    ],
)
def test_over_long_fields_name_the_limit(demo: Demo, field: str, value: str, limit: str) -> None:
    before = stored()
    response = Client().post(BASE + "requests.json", {**REQUEST, field: value})
    assert limit in error_of(response, 400)
    assert stored() == before


# --- retries --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_body_again_answers_the_first_request(demo: Demo) -> None:
    api = Client()
    first = api.post(BASE + "requests.json", REQUEST)
    again = api.post(BASE + "requests.json", REQUEST)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first
    other = api.post(BASE + "requests.json", {**REQUEST, "description": "3号楼电梯也坏了"})
    assert other.status_code == 201 and other.json() != first.json()
    assert Issue.objects.filter(description__contains="电梯").count() >= 2
    assert Issue.objects.filter(description=REQUEST["description"]).count() == 1


@pytest.mark.django_db
def test_the_same_body_from_another_key_is_another_request(demo: Demo) -> None:
    _key, raw = create_api_key(name="网格平台", organization=demo.tuanjie.property_provider)
    a = Client().post(BASE + "requests.json", REQUEST)
    b = Client().post(BASE + "requests.json", {**REQUEST, "api_key": raw})
    assert (a.status_code, b.status_code) == (201, 201)
    assert a.json()[0]["service_request_id"] != b.json()[0]["service_request_id"]


@pytest.mark.django_db
def test_after_the_duplicate_window_the_same_body_is_a_new_request(demo: Demo, settings) -> None:
    settings.OPEN311_DUPLICATE_WINDOW = 0
    a = Client().post(BASE + "requests.json", REQUEST)
    b = Client().post(BASE + "requests.json", REQUEST)
    assert a.json()[0]["service_request_id"] != b.json()[0]["service_request_id"]


@pytest.mark.django_db
def test_idempotency_key_header(demo: Demo, settings) -> None:
    settings.OPEN311_DUPLICATE_WINDOW = 0  # only the header makes a retry here
    api = Client()
    first = api.post(BASE + "requests.json", REQUEST, HTTP_IDEMPOTENCY_KEY="req-1")
    again = api.post(BASE + "requests.json", REQUEST, HTTP_IDEMPOTENCY_KEY="req-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    before = stored()
    changed = {**REQUEST, "description": "别的事"}
    reused = api.post(BASE + "requests.json", changed, HTTP_IDEMPOTENCY_KEY="req-1")
    assert "Idempotency-Key" in error_of(reused, 422)
    bad = api.post(BASE + "requests.json", REQUEST, HTTP_IDEMPOTENCY_KEY="钥匙")
    assert "Idempotency-Key" in error_of(bad, 400)
    assert stored() == before
    fresh = api.post(BASE + "requests.json", REQUEST, HTTP_IDEMPOTENCY_KEY="req-2")
    assert fresh.status_code == 201 and fresh.json() != first.json()


@pytest.mark.django_db
def test_a_refused_request_does_not_use_up_its_key(demo: Demo) -> None:
    """The key is claimed in the request's transaction: a 403 rolls it back too."""
    firm = demo.tuanjie.property_provider
    _key, raw = create_api_key(name="物业App", organization=firm)
    elsewhere = {**REQUEST, "api_key": raw, "address_string": "轻工宿舍甲1号楼"}
    error_of(Client().post(BASE + "requests.json", elsewhere, HTTP_IDEMPOTENCY_KEY="k"), 403)
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_posts_make_exactly_one_issue(tdemo: Demo) -> None:
    """Ten clients retrying at the same instant on PostgreSQL: one issue, ten equal 201s."""
    before = Issue.objects.count()

    def submit() -> Any:
        return Client().post(BASE + "requests.json", REQUEST, HTTP_IDEMPOTENCY_KEY="double-tap")

    results = run_together([submit] * 10)
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [201] * 10
    assert len({r.content for r in results}) == 1
    assert Issue.objects.count() == before + 1
    assert Open311Submission.objects.count() == 1


# --- budgets --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_reads_are_limited_per_address(demo: Demo, settings) -> None:
    settings.OPEN311_RATE_LIMITS = {**settings.OPEN311_RATE_LIMITS, "read": (3, 60)}
    here, there = Client(REMOTE_ADDR="203.0.113.5"), Client(REMOTE_ADDR="203.0.113.6")
    assert [here.get(BASE + "requests.json").status_code for _ in range(3)] == [200] * 3
    limited = here.get(BASE + "services.json")
    assert "Too many" in error_of(limited, 429) or "频繁" in error_of(limited, 429)
    assert 1 <= int(limited["Retry-After"]) <= 60
    xml = here.get(BASE + "requests.xml")
    assert xml.status_code == 429 and xml["Retry-After"] and b"<errors>" in xml.content
    assert there.get(BASE + "requests.json").status_code == 200  # another address


@pytest.mark.django_db
def test_wrong_keys_are_limited_per_address(demo: Demo, settings) -> None:
    settings.OPEN311_RATE_LIMITS = {**settings.OPEN311_RATE_LIMITS, "wrong_key": (3, 600)}
    guesser, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for n in range(3):
        error_of(guesser.get(BASE + "requests.json", {"api_key": f"guess-{n}"}), 403)
    error_of(guesser.post(BASE + "requests.json", {**REQUEST, "api_key": "guess-x"}), 429)
    blocked = guesser.get(BASE + "requests.json", {"api_key": DEMO_OPEN311_KEY})
    assert int(error_of(blocked, 429) and blocked["Retry-After"]) > 0
    assert other.get(BASE + "requests.json", {"api_key": DEMO_OPEN311_KEY}).status_code == 200


@pytest.mark.django_db
def test_posts_are_limited_per_key(demo: Demo, settings) -> None:
    settings.OPEN311_RATE_LIMITS = {**settings.OPEN311_RATE_LIMITS, "post": (2, 60)}
    _key, raw = create_api_key(name="网格平台", organization=demo.tuanjie.property_provider)
    api = Client()
    for n in range(2):
        body = {**REQUEST, "description": f"第{n}件"}
        assert api.post(BASE + "requests.json", body).status_code == 201
    before = stored()
    over = api.post(BASE + "requests.json", {**REQUEST, "description": "第3件"})
    error_of(over, 429)
    assert int(over["Retry-After"]) >= 1 and stored() == before
    other_key = api.post(BASE + "requests.json", {**REQUEST, "api_key": raw})
    assert other_key.status_code == 201


@pytest.mark.django_db
def test_a_cache_that_is_down_does_not_take_the_api_down(demo: Demo, settings) -> None:
    """Budgets are counted in Redis; without it the API serves (uncounted) rather than 500."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert Client().get(BASE + "requests.json").status_code == 200
    assert Client().get(BASE + "requests.json", {"api_key": "wrong"}).status_code == 403
