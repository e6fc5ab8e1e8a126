"""The JSON API (/api/v1/): an organization's key reads what its staff may read and takes
the steps its staff may take, with the pages' answers (403/404/409/422) as JSON."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from deliberation.law.owners_votes import MatterKind
from deliberation.models import ExtensionRequest, Matter, Organization, OwnersVote, WorkOrder
from deliberation.services.open311_keys import create_api_key
from tests.intake.factories import dispatched, tuanjie
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db
BASE = "/api/v1"
STALE = "This step is no longer possible: the page was out of date."


READS = ("compounds", "notices", "issues", "work-orders", "sessions", "resolutions", "votes")


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return gettext(message)


def key_of(organization: Organization, name: str = "client") -> str:
    _key, raw = create_api_key(name=name, organization=organization)
    return raw


def bearer(raw: str, **headers: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", **headers}


def post(client: Client, path: str, raw: str, body: Any = None, **headers: str) -> Any:
    return client.post(
        BASE + path, body if body is not None else {}, "application/json", **bearer(raw, **headers)
    )


@pytest.fixture
def firm_key(demo: Demo) -> str:
    return key_of(tuanjie().property_provider, "firm system")


@pytest.fixture
def other_firm_key(demo: Demo) -> str:
    firm = tuanjie().property_provider
    other = Organization.objects.create(
        name="别家物业", kind=Organization.Kind.PROPERTY_FIRM, subdistrict_id=firm.subdistrict_id
    )
    return key_of(other, "other firm")


def test_a_firm_accepts_its_work_order_once(firm_key: str) -> None:
    _issue, order = dispatched("API: 楼道灯坏了")
    api = Client()
    first = post(api, f"/work-orders/{order.pk}/actions/accept", firm_key)
    assert first.status_code == 200, first.content
    assert first.json()["ok"] is True
    assert f"#{order.pk}" in first.json()["message"]
    assert first.json()["url"] == f"/work-orders/{order.pk}/"
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS
    again = post(api, f"/work-orders/{order.pk}/actions/accept", firm_key)
    assert again.status_code == 409
    assert again.json() == {"ok": False, "message": zh(STALE), "fields": {}}


def test_a_form_error_is_422_naming_the_field_and_changes_nothing(firm_key: str) -> None:
    _issue, order = dispatched("API: 水管漏水")
    api = Client()
    assert post(api, f"/work-orders/{order.pk}/actions/accept", firm_key).status_code == 200
    refused = post(api, f"/work-orders/{order.pk}/actions/complete", firm_key, {"text": ""})
    assert refused.status_code == 422, refused.content
    assert list(refused.json()["fields"]) == ["text"]
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.IN_PROGRESS
    done = post(api, f"/work-orders/{order.pk}/actions/complete", firm_key, {"text": "已修好"})
    assert done.status_code == 200, done.content
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.COMPLETED


def test_another_organization_cannot_know_the_order(other_firm_key: str) -> None:
    _issue, order = dispatched("API: 别人的工单")
    api = Client()
    hidden = post(api, f"/work-orders/{order.pk}/actions/accept", other_firm_key)
    missing = post(api, "/work-orders/999999999/actions/accept", other_firm_key)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    assert api.get(f"{BASE}/work-orders/{order.pk}", **bearer(other_firm_key)).status_code == 404
    listed = api.get(f"{BASE}/work-orders", **bearer(other_firm_key)).json()
    assert listed["count"] == 0 and listed["items"] == []
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


def test_a_party_that_sees_the_order_but_may_not_accept_it_gets_403(demo: Demo) -> None:
    _issue, order = dispatched("API: 居委会看得见")
    committee = Organization.objects.get(
        kind=Organization.Kind.RESIDENTS_COMMITTEE, pk=tuanjie().community.residents_committee_id
    )
    raw = key_of(committee, "committee system")
    api = Client()
    assert api.get(f"{BASE}/work-orders/{order.pk}", **bearer(raw)).status_code == 200
    refused = post(api, f"/work-orders/{order.pk}/actions/accept", raw)
    assert refused.status_code == 403
    assert refused.json() == {"ok": False, "message": zh("You may not do this."), "fields": {}}
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


def test_no_key_or_a_wrong_key_is_401_and_guessing_is_slowed(demo: Demo, settings: Any) -> None:
    settings.OPEN311_RATE_LIMITS = {**settings.OPEN311_RATE_LIMITS, "wrong_key": (2, 600)}
    api = Client()
    bare = api.get(f"{BASE}/issues")
    assert bare.status_code == 401 and bare["WWW-Authenticate"] == "Bearer"
    assert bare.json()["ok"] is False and "Bearer" in bare.json()["message"]
    for _ in range(2):
        assert api.get(f"{BASE}/issues", **bearer("y311_wrong")).status_code == 401
    blocked = api.get(f"{BASE}/issues", **bearer("y311_wrong"))
    assert blocked.status_code == 429 and int(blocked["Retry-After"]) > 0


def test_a_key_over_its_read_budget_waits(firm_key: str, settings: Any) -> None:
    settings.OPEN311_RATE_LIMITS = {**settings.OPEN311_RATE_LIMITS, "key_read": (2, 60)}
    api = Client()
    assert api.get(f"{BASE}/issues", **bearer(firm_key)).status_code == 200
    assert api.get(f"{BASE}/issues", **bearer(firm_key)).status_code == 200
    over = api.get(f"{BASE}/issues", **bearer(firm_key))
    assert over.status_code == 429 and over["Retry-After"]


def test_lists_page_and_show_no_personal_data(firm_key: str) -> None:
    orders = [dispatched(f"API 列表 {i}")[1] for i in range(3)]
    api = Client()
    first = api.get(f"{BASE}/work-orders?page_size=2", **bearer(firm_key)).json()
    second = api.get(f"{BASE}/work-orders?page_size=2&page=2", **bearer(firm_key)).json()
    assert first["count"] == second["count"] >= 3
    seen = [o["id"] for o in first["items"] + second["items"]]
    assert [o.pk for o in reversed(orders)] == seen[:3]
    issues = api.get(f"{BASE}/issues?page_size=100", **bearer(firm_key))
    assert issues.status_code == 200
    text = issues.content.decode()
    jumin = orders[0].issue.reporter
    assert jumin.username not in text and "reporter" not in text
    if jumin.display_name:
        assert jumin.display_name not in text


def test_a_bad_page_is_422_in_the_readers_language(firm_key: str) -> None:
    api = Client()
    english = api.get(f"{BASE}/issues?page=0", **bearer(firm_key, HTTP_ACCEPT_LANGUAGE="en")).json()
    assert english["message"] == "The request does not match the API's schema."
    assert "query.page" in english["fields"]
    chinese = api.get(f"{BASE}/issues?page=0", **bearer(firm_key)).json()
    assert chinese["message"] != english["message"]


def test_reads_of_the_main_things(demo: Demo) -> None:
    office = Organization.objects.filter(kind=Organization.Kind.SUBDISTRICT_OFFICE).first()
    raw = key_of(office, "subdistrict dashboard")
    api = Client()
    for path in READS:
        listed = api.get(f"{BASE}/{path}", **bearer(raw))
        assert listed.status_code == 200, (path, listed.content)
        body = listed.json()
        assert set(body) == {"count", "page", "page_size", "items"}
        for item in body["items"][:3]:
            one = f"{BASE}/{path}/{item['id']}"
            if path != "notices":
                assert api.get(one, **bearer(raw)).json()["id"] == item["id"], path
    compound = api.get(f"{BASE}/compounds/{demo.tuanjie.pk}", **bearer(raw)).json()
    assert compound["name"] == "团结公寓"
    board = api.get(f"{BASE}/compounds/{demo.tuanjie.pk}/notices", **bearer(raw))
    assert board.status_code == 200


def test_the_schema_and_its_docs_page_are_published_without_a_cdn(demo: Demo) -> None:
    api = Client()
    schema = api.get(f"{BASE}/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/work-orders/{id}/actions/{name}" in paths
    docs = api.get(f"{BASE}/docs")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "<script>" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]


def test_a_logged_in_browser_session_cannot_act_through_the_api(demo: Demo) -> None:
    """Only a key opens the API: a session cookie is no way around CSRF."""
    _issue, order = dispatched("API: 会话不算")
    browser = Client()
    browser.force_login(demo.user("wuye"))
    refused = browser.post(f"{BASE}/work-orders/{order.pk}/actions/accept")
    assert refused.status_code == 401
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


def test_every_other_path_is_the_apis_json_404(firm_key: str) -> None:
    api = Client()
    for path in ("/", "/nope", "/issues/abc/x", "/work-orders/1/actions"):
        response = api.get(BASE + path, **bearer(firm_key))
        assert response.status_code == 404, path
        assert response.json()["ok"] is False, path


def test_vote_tallies_only_once_published(demo: Demo) -> None:
    office = Organization.objects.filter(kind=Organization.Kind.SUBDISTRICT_OFFICE).first()
    raw = key_of(office, "results board")
    vote = OwnersVote.objects.create(
        compound=demo.tuanjie,
        title="API 表决",
        origin=OwnersVote.Origin.COMMITTEE,
        proposed_by=demo.user("yeweihui"),
        status=OwnersVote.Status.TALLIED,
    )
    Matter.objects.create(
        vote=vote, title="更换电梯", kind=MatterKind.OTHER, outcome="passed", tally={"yes": 9}
    )
    api = Client()
    [matter] = api.get(f"{BASE}/votes/{vote.pk}", **bearer(raw)).json()["matters"]
    assert matter["outcome"] is None and matter["tally"] is None
    OwnersVote.objects.filter(pk=vote.pk).update(status=OwnersVote.Status.PUBLISHED)
    [matter] = api.get(f"{BASE}/votes/{vote.pk}", **bearer(raw)).json()["matters"]
    assert matter["outcome"] == "passed" and matter["tally"] == {"yes": 9}


def test_an_extension_request_is_known_only_with_its_order(other_firm_key: str) -> None:
    """A step on a thing that shares its order's existence (an extension request) answers a
    stranger the 404 a missing id gets, not a 403 that says it exists."""
    _issue, order = dispatched("API: 延期申请")
    request = ExtensionRequest.objects.create(
        work_order=order,
        requested_by=order.issue.reporter,
        reason="等配件",
        new_resolve_by=order.resolve_by + timedelta(days=3),
    )
    api = Client()
    hidden = post(api, f"/extensions/{request.pk}/actions/decide", other_firm_key)
    missing = post(api, "/extensions/999999999/actions/decide", other_firm_key)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
