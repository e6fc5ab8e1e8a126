"""Hostile input: markup stays escaped in pages and pushed fragments (property-based);
CSRF-less, wrong-typed, over-long and forged posts get a clear 4xx and store nothing; login
throttling; secure cookies in production."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deliberation.models import Announcement, Event, Issue
from tests.support.clients import login_client

ROOT = Path(__file__).resolve().parents[2]

#: Text a hostile user would type: markup, quotes, entities, script, Chinese, emoji.
MARKUP = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "<x-evil hx-get=/admin/>",
        "' onmouseover='alert(1)",
        "&lt;already&gt;",
        "{{ 7*7 }}{% debug %}",
        "<!--ev:999999-->",
    ]
)
HOSTILE = st.builds(
    lambda a, b, c: f"{a}{b}{c}".strip(),
    st.text(alphabet="ab 中文<>&'\"/=", max_size=12),
    MARKUP,
    st.text(alphabet="xyz 楼道😀<>", max_size=12),
).filter(bool)

hypothesis_settings = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _assert_escaped(html: str, value: str, where: str) -> None:
    assert escape(value) in html, f"{where}: {value!r} not found escaped"
    assert value == escape(value) or value not in html, f"{where}: {value!r} appears raw"


def _announce_url(compound) -> str:
    return reverse("action", args=["compound", compound.pk, "announce"])


def _notice(**data: object) -> dict[str, object]:
    return {f"announce-{k}": v for k, v in data.items()}


@hypothesis_settings
@given(title=HOSTILE, body=HOSTILE)
def test_announcement_text_is_escaped_in_page_and_push(demo, title: str, body: str) -> None:
    title = title[:120]
    client = login_client(demo.user("wuye"))
    response = client.post(
        _announce_url(demo.tuanjie),
        _notice(organization=demo.tuanjie.property_provider_id, title=title, body=body),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    pushed = Event.objects.filter(
        topic=f"compound:{demo.tuanjie.pk}:public", kind="announcement.posted"
    ).latest("id")
    page = login_client(demo.user("jumin")).get(reverse("compound-detail", args=[demo.tuanjie.pk]))
    _assert_escaped(response.content.decode(), title, "response")  # the notice names it
    for where, html in [
        ("page", page.content.decode()),
        *((f"push {lang}", text) for lang, text in pushed.html.items()),
    ]:
        _assert_escaped(html, title, where)
        _assert_escaped(html, body, where)


@hypothesis_settings
@given(description=HOSTILE, where=HOSTILE)
def test_issue_report_text_is_escaped_in_page_and_push(demo, description: str, where: str) -> None:
    client = login_client(demo.user("jumin"))
    response = client.post(
        reverse("issue-report"),
        {
            "compound": demo.tuanjie.pk,
            "building": demo.tuanjie.buildings.get(name="2号楼").pk,
            "unit_number": "302",
            "location_text": where[:200],
            "category": "",
            "urgency": "ordinary",
            "description": description,
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    issue = Issue.objects.latest("id")
    assert issue.description == description
    page = login_client(demo.user("juwei")).get(reverse("issue-detail", args=[issue.pk]))
    pushed = Event.objects.filter(topic=f"issue:{issue.pk}:staff").latest("id")
    _assert_escaped(page.content.decode(), description, "page")
    for lang, html in pushed.html.items():  # the staff record does not repeat the text
        assert description == escape(description) or description not in html, lang


def _post_notice(client: Client, demo, **data: object):
    return client.post(
        _announce_url(demo.tuanjie),
        _notice(
            **{"organization": demo.tuanjie.property_provider_id, "title": "t", "body": "b"} | data
        ),
    )


def test_posts_without_csrf_token_are_refused_and_store_nothing(demo) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(demo.user("wuye"))
    before = (Announcement.objects.count(), Event.objects.count())
    response = _post_notice(client, demo)
    assert response.status_code == 403
    assert (Announcement.objects.count(), Event.objects.count()) == before


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"organization": "abc"}, 400),  # wrong type
        ({"organization": ["1", "2"], "title": ["a", "b"]}, 400),
        ({"title": "长" * 121}, 400),  # over-long
        ({"body": "长" * 4001}, 400),
        ({"title": "\x00"}, 400),  # a NUL byte is not text
        ({"organization": 999_999_999_999}, 400),  # forged id
    ],
)
def test_bad_announcement_posts_get_4xx_and_store_nothing(demo, data, status) -> None:
    before = (Announcement.objects.count(), Event.objects.count())
    response = _post_notice(login_client(demo.user("wuye")), demo, **data)
    assert response.status_code == status
    assert (Announcement.objects.count(), Event.objects.count()) == before


def test_forged_ids_of_another_compound_are_refused(demo) -> None:
    """The firm of 团结公寓 posting into 轻工宿舍, or as 轻工宿舍's unit: 403 / 400."""
    client = login_client(demo.user("wuye"))
    before = Announcement.objects.count()
    other = demo.qinggong
    r1 = client.post(
        _announce_url(other),
        _notice(organization=demo.tuanjie.property_provider_id, title="t", body="b"),
    )
    r2 = _post_notice(client, demo, organization=other.property_provider_id)
    assert (r1.status_code, r2.status_code) == (403, 400)
    assert Announcement.objects.count() == before


def test_non_numeric_and_unknown_ids_are_404(demo) -> None:
    client = login_client(demo.user("jiedao"))
    assert client.get("/compounds/abc/").status_code == 404
    assert client.get("/compounds/999999999/").status_code == 404
    assert client.get("/issues/999999999/").status_code == 404


def test_login_locks_after_five_failures_with_a_clear_page(demo, settings) -> None:
    settings.AXES_ENABLED = True
    client = Client(REMOTE_ADDR="203.0.113.9")
    url = reverse("login")
    statuses = [
        client.post(url, {"username": "jumin", "password": f"wrong-{i}"}).status_code
        for i in range(5)
    ]
    assert statuses == [200] * 4 + [429], statuses
    locked = client.post(url, {"username": "jumin", "password": "yishi-demo-2026"})
    assert locked.status_code == 429  # even the right password, while locked
    body = locked.content.decode()
    assert "登录已锁定一小时" in body and 'role="alert"' in body, body[:300]
    # another person at another address is not affected
    other = Client(REMOTE_ADDR="203.0.113.10")
    ok = other.post(url, {"username": "jumin2", "password": "yishi-demo-2026"})
    assert ok.status_code == 302


PROBE = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
plain = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
with override_settings(STORAGES=plain):  # no collectstatic manifest in the test run
    r = Client().get("/accounts/login/", secure=True, HTTP_HOST="yishi.example.org")
c = r.cookies.get("csrftoken")
print(json.dumps({
    "status": r.status_code,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "session_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "csrf_cookie_secure_flag": bool(c and c["secure"]),
    "hsts": r.headers.get("Strict-Transport-Security", ""),
    "csp": r.headers.get("Content-Security-Policy", ""),
    "redirect": Client().get("/", HTTP_HOST="yishi.example.org").status_code,
}))
"""


def test_production_cookies_are_secure_and_headers_strict(postgres_server, redis_server) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DEBUG": "0",
        "SECRET_KEY": "k9#Qv2!xLr7@pZ4mWb8^tYc1&Nf6*Hd3(Gs5)Je0-Ua_Io+Ek=Ol[Ri]Tp{",
        "ALLOWED_HOSTS": "yishi.example.org",
        "DATABASE_URL": os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/test_yishi",
        "DJANGO_SETTINGS_MODULE": "project.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    got = json.loads(out.stdout.strip().splitlines()[-1])
    assert got["session_secure"] and got["session_httponly"] and got["csrf_secure"]
    assert got["status"] == 200 and got["csrf_cookie_secure_flag"]
    assert "max-age=31536000" in got["hsts"]
    assert "script-src 'self'" in got["csp"] and "unsafe-inline" not in got["csp"]
    assert got["redirect"] == 301  # plain HTTP goes to HTTPS
