"""Open311 GeoReport v2: every endpoint and every error, and what the public may read."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from deliberation.demo.channels import DEMO_OPEN311_KEY
from deliberation.models import ApiKey, Issue, IssueActivity, IssueCategory, Organization
from deliberation.services.issues import report_issue
from deliberation.services.open311_keys import create_api_key
from tests.support.demo import Demo
from tests.support.open311 import error_of

pytestmark = pytest.mark.django_db
BASE = "/open311/v2/"


@pytest.fixture
def api() -> Client:
    return Client(enforce_csrf_checks=True)


def post(api: Client, **fields: Any) -> Any:
    data = {
        "api_key": DEMO_OPEN311_KEY,
        "service_code": "elevator",
        "description": "2号楼电梯不动了",
        "address_string": "团结公寓2号楼",
        **fields,
    }
    return api.post(BASE + "requests.json", {k: v for k, v in data.items() if v is not None})


def test_services_list_our_categories(demo: Demo, api: Client) -> None:
    response = api.get(BASE + "services.json")
    assert response.status_code == 200
    services = response.json()
    codes = [s["service_code"] for s in services]
    assert codes == list(IssueCategory.objects.filter(active=True).values_list("code", flat=True))
    elevator = next(s for s in services if s["service_code"] == "elevator")
    assert elevator == {
        "service_code": "elevator",
        "service_name": "电梯",
        "description": "电梯故障、困人、年检",
        "metadata": False,
        "type": "realtime",
        "keywords": "电梯,困人",
        "group": "房屋维修",
    }


def test_service_definition_and_unknown_code(demo: Demo, api: Client) -> None:
    response = api.get(BASE + "services/elevator.json")
    assert response.json() == {"service_code": "elevator", "attributes": []}
    assert "nope" in error_of(api.get(BASE + "services/nope.json"), 404)


def test_post_creates_an_issue_in_the_triage_queue(demo: Demo, api: Client) -> None:
    response = post(
        api,
        first_name="女士",
        last_name="王",
        phone="13800001111",
        email="w@example.org",
        device_id="dev-1",
        account_id="acc-9",
        media_url="https://example.org/p.jpg",
    )
    assert response.status_code == 201, response.content
    [body] = response.json()
    issue = Issue.objects.get(pk=int(body["service_request_id"]))
    assert body["service_notice"] and body["account_id"] == "acc-9"
    respond_by = timezone.localtime(issue.created_at + timedelta(hours=2))  # elevator: utilities
    assert respond_by.strftime("%Y-%m-%d %H:%M") in body["service_notice"]
    assert issue.channel == Issue.Channel.OPEN311 and issue.status == Issue.Status.NEW
    assert issue.compound == demo.tuanjie and issue.building.name == "2号楼"
    assert issue.location_text == ""
    assert issue.category.code == "elevator" and issue.reporter_phone == "13800001111"
    assert issue.reporter_name == "王女士"
    assert issue.open311.email == "w@example.org" and issue.open311.device_id == "dev-1"


def test_post_with_our_ids_and_json_body(demo: Demo, api: Client) -> None:
    building = demo.tuanjie.buildings.get(name="2号楼")
    unit = building.units.first()
    body = {
        "api_key": DEMO_OPEN311_KEY,
        "service_code": "leak",
        "description": "漏水",
        "compound_id": demo.tuanjie.pk,
        "building_id": building.pk,
        "unit_id": unit.pk,
    }
    response = api.post(BASE + "requests.json", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    issue = Issue.objects.get(pk=int(response.json()[0]["service_request_id"]))
    assert (issue.compound, issue.building, issue.unit) == (demo.tuanjie, building, unit)


@pytest.mark.parametrize(
    ("fields", "status", "fragment"),
    [
        ({"api_key": None}, 403, "api_key"),
        ({"api_key": "wrong-key"}, 403, "api_key"),
        ({"service_code": None}, 400, "service_code"),
        ({"service_code": "nope"}, 404, "nope"),
        ({"description": None}, 400, "description"),
        ({"description": "长" * 4001}, 400, "4000"),
        ({"address_string": None}, 400, "address_string"),
        ({"address_string": None, "lat": "39.92", "long": "116.47"}, 400, "lat/long"),
        ({"address_string": "火星小区1号"}, 400, "address_string"),
        ({"address_string": None, "compound_id": "999999"}, 400, "compound_id"),
        ({"address_string": None, "compound_id": "abc"}, 400, "compound_id"),
        ({"phone": "call me"}, 400, "phone"),
        ({"email": "not-an-email"}, 400, "email"),
        ({"media_url": "javascript:alert(1)"}, 400, "media_url"),
        ({"device_id": "x" * 101}, 400, "device_id"),
    ],
)
def test_post_errors_store_nothing(
    demo: Demo, api: Client, fields: dict[str, Any], status: int, fragment: str
) -> None:
    before = Issue.objects.count()
    assert fragment in error_of(post(api, **fields), status)
    assert Issue.objects.count() == before


def test_bad_json_body(demo: Demo, api: Client) -> None:
    response = api.post(BASE + "requests.json", "{nope", content_type="application/json")
    error_of(response, 400)


def test_key_of_a_firm_may_only_report_on_its_compounds(demo: Demo, api: Client) -> None:
    firm = demo.tuanjie.property_provider
    _key, raw = create_api_key(name="物业App", organization=firm)
    assert post(api, api_key=raw).status_code == 201
    before = Issue.objects.count()
    assert "轻工宿舍" in error_of(post(api, api_key=raw, address_string="轻工宿舍甲1号楼"), 403)
    assert Issue.objects.count() == before


def test_inactive_key_is_refused(demo: Demo, api: Client) -> None:
    ApiKey.objects.update(active=False)
    error_of(post(api), 403)


def test_wrong_method_and_xml(demo: Demo, api: Client) -> None:
    error_of(api.post(BASE + "services.json"), 405)
    error_of(api.get(BASE + "requests.yaml"), 404)


def _hotline_issue(demo: Demo, text: str = "楼道灯不亮，联系我13912345678") -> Issue:
    issue = report_issue(
        actor=demo.user("juwei"),
        channel=Issue.Channel.HOTLINE,
        description=text,
        compound=demo.tuanjie,
        location_text="2号楼302",
        reporter_name="李先生",
        reporter_phone="13912345678",
        hotline_ticket="T-OPEN311-1",
        category=IssueCategory.objects.get(code="repair"),
    )
    IssueActivity.objects.create(
        issue=issue, kind="note", public_text="", staff_note="内部：李先生脾气急"
    )
    return issue


def test_get_request_public_projection(demo: Demo, api: Client) -> None:
    issue = _hotline_issue(demo)
    response = api.get(BASE + f"requests/{issue.pk}.json")
    assert response.status_code == 200
    [body] = response.json()
    assert body["service_request_id"] == str(issue.pk) and body["status"] == "open"
    assert body["service_code"] == "repair" and body["address"] == "团结公寓"
    assert body["agency_responsible"] == "团结湖中路社区居委会"
    assert body["requested_datetime"].endswith("+08:00")
    for key in ("status_notes", "updated_datetime", "expected_datetime", "service_notice"):
        assert key in body
    text = response.content.decode()
    for secret in ("李先生", "13912345678", "1391234", "内部", "302"):
        assert secret not in text  # no names, phones, staff notes, unit
    assert body["description"] is None  # anonymous readers do not get the citizen's words


def test_get_request_with_a_serving_key_shows_masked_description(demo: Demo, api: Client) -> None:
    issue = _hotline_issue(demo)
    [body] = api.get(BASE + f"requests/{issue.pk}.json", {"api_key": DEMO_OPEN311_KEY}).json()
    assert body["description"] == "楼道灯不亮，联系我139****5678"
    assert "李先生" not in json.dumps(body, ensure_ascii=False)


def test_get_request_unknown_and_invalid(demo: Demo, api: Client) -> None:
    assert "999999" in error_of(api.get(BASE + "requests/999999.json"), 404)
    error_of(api.get(BASE + "requests/abc.json"), 404)
    error_of(api.get(BASE + "requests.json", {"api_key": "wrong"}), 403)


def test_get_requests_filters(demo: Demo, api: Client) -> None:
    a = _hotline_issue(demo)
    b = report_issue(
        actor=demo.user("jumin"),
        channel=Issue.Channel.WEB,
        description="电梯异响",
        compound=demo.tuanjie,
        category=IssueCategory.objects.get(code="elevator"),
    )
    from deliberation.services.triage import close_issue

    close_issue(
        issue=b, actor=demo.user("juwei"), reason=Issue.ClosureReason.ANSWERED, public_text="已答复"
    )

    def ids(**params: Any) -> set[str]:
        response = api.get(BASE + "requests.json", params)
        assert response.status_code == 200, response.content
        return {r["service_request_id"] for r in response.json()}

    assert ids(service_request_id=f"{a.pk},{b.pk}") == {str(a.pk), str(b.pk)}
    assert str(a.pk) in ids(service_code="repair") and str(b.pk) not in ids(service_code="repair")
    assert str(b.pk) in ids(status="closed") and str(a.pk) not in ids(status="closed")
    assert str(a.pk) in ids(status="open")
    assert {str(a.pk), str(b.pk)} <= ids(start_date="2020-01-01T00:00:00+08:00")
    assert not ({str(a.pk), str(b.pk)} & ids(end_date="2020-01-01T00:00:00+08:00"))
    closed = api.get(BASE + "requests.json", {"service_request_id": str(b.pk)}).json()[0]
    assert closed["status"] == "closed" and closed["status_notes"] == "已答复"


@pytest.mark.parametrize(
    "params",
    [
        {"start_date": "yesterday"},
        {"status": "pending"},
        {"service_request_id": "1,x"},
        {"start_date": "2026-05-01", "end_date": "2026-04-01"},
    ],
)
def test_get_requests_bad_filters(demo: Demo, api: Client, params: dict[str, str]) -> None:
    error_of(api.get(BASE + "requests.json", params), 400)


def test_get_requests_query_count_is_fixed(demo: Demo, api: Client) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(BASE + "requests.json", {"api_key": DEMO_OPEN311_KEY}).status_code == 200
        return len(ctx.captured_queries)

    for n in range(3):
        report_issue(
            actor=demo.user("jumin"),
            channel=Issue.Channel.WEB,
            description=f"事{n}",
            compound=demo.tuanjie,
        )
    small = count()
    for n in range(30):
        report_issue(
            actor=demo.user("jumin2"),
            channel=Issue.Channel.WEB,
            description=f"事{n}",
            compound=demo.qinggong,
        )
    assert count() == small


def test_script_in_description_is_json_not_html(demo: Demo, api: Client) -> None:
    response = post(api, description="<script>alert(1)</script>")
    issue_id = response.json()[0]["service_request_id"]
    got = api.get(BASE + f"requests/{issue_id}.json", {"api_key": DEMO_OPEN311_KEY})
    assert got["Content-Type"].startswith("application/json")
    assert got.json()[0]["description"] == "<script>alert(1)</script>"


def test_create_open311_key_command(demo: Demo) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("create_open311_key", "网格平台", organization="团结湖中路社区居委会", stdout=out)
    raw = out.getvalue().strip().split(": ")[1]
    key = ApiKey.objects.get(name="网格平台")
    assert key.organization == Organization.objects.get(name="团结湖中路社区居委会")
    assert raw not in (key.key_hash, key.prefix) and key.account.has_usable_password() is False
    assert post(Client(), api_key=raw).status_code == 201


def xml_of(content: bytes) -> Any:
    """Parse our own answer (trusted: produced by the code under test)."""
    import xml.etree.ElementTree as ET  # noqa: N817

    return ET.fromstring(content)  # noqa: S314


def test_xml_format(demo: Demo, api: Client) -> None:
    services = api.get(BASE + "services.xml")
    assert services.status_code == 200 and services["Content-Type"].startswith("text/xml")
    root = xml_of(services.content)
    assert root.tag == "services"
    assert "elevator" in [e.findtext("service_code") for e in root.findall("service")]
    assert root.find("service/metadata").text == "false"
    definition = xml_of(api.get(BASE + "services/elevator.xml").content)
    assert definition.tag == "service_definition"
    assert definition.findtext("service_code") == "elevator"

    data = {
        "api_key": DEMO_OPEN311_KEY,
        "service_code": "leak",
        "description": "<b>漏水</b>",
        "address_string": "团结公寓",
    }
    created = api.post(BASE + "requests.xml", data)
    assert created.status_code == 201
    request_id = xml_of(created.content).findtext("request/service_request_id")
    got = xml_of(
        api.get(BASE + f"requests/{request_id}.xml", {"api_key": DEMO_OPEN311_KEY}).content
    )
    assert got.tag == "service_requests"
    assert got.findtext("request/status") == "open"
    assert got.findtext("request/description") == "<b>漏水</b>"  # escaped text, not markup

    error = api.post(BASE + "requests.xml", {"service_code": "leak"})
    assert error.status_code == 403
    root = xml_of(error.content)
    assert root.tag == "errors" and root.findtext("error/code") == "403"
    assert "api_key" in root.findtext("error/description")
    missing = xml_of(api.get(BASE + "services/nope.xml").content)
    assert missing.findtext("error/code") == "404"
