"""The README's production steps serve: ``collectstatic`` with the production storage (the
WhiteNoise manifest), then Daphne with ``DEBUG=0`` behind a proxy that says HTTPS.

The rest of the suite runs with ``DEBUG=1`` and plain static storage, so it cannot see a
manifest that is missing or incomplete — which made every HTML page, 404 and bad-Host
answer a 500 in production while ``/healthz/`` still said all was well.
"""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import OwnersVote, Session
from tests.support.paths import ROOT
from tests.support.server import LiveServer, suite_database_url

pytestmark = pytest.mark.django_db(transaction=True)

SITE = "yishi.example.org"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]+)"')
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:css|js|svg)$")


def production_env(static_root: Path, var_dir: Path) -> dict[str, str]:
    return {
        "DEBUG": "0",
        "SECRET_KEY": "k9#Qv2!xLr7@pZ4mWb8^tYc1&Nf6*Hd3(Gs5)Je0-Ua_Io+Ek=Ol[Ri]Tp{",
        "ALLOWED_HOSTS": SITE,
        "CSRF_TRUSTED_ORIGINS": f"https://{SITE}",
        "DATABASE_URL": suite_database_url(),
        "REDIS_URL": os.environ["REDIS_URL"],
        "STATIC_ROOT": str(static_root),
        "YISHI_VAR_DIR": str(var_dir),
        "YISHI_TRUSTED_PROXY_COUNT": "1",
        "AXES_ENABLED": "1",  # as in production (the suite turns it off elsewhere)
    }


class Browser:
    """Requests as nginx forwards them: the site's Host, ``X-Forwarded-Proto: https``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, *, host: str = SITE, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {
            "Host": host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "198.51.100.7",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{SITE}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            text = response.read().decode("utf-8", "replace")
            return response.status, {k.lower(): v for k, v in response.headers.items()}, text
        finally:
            conn.close()

    def websocket_status(self, path: str, origin: str) -> int:
        """The status of a websocket handshake (101: opened) sent with ``origin``."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        try:
            conn.request(
                "GET",
                path,
                headers={
                    "Host": SITE,
                    "X-Forwarded-Proto": "https",
                    "Origin": origin,
                    "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                    "Upgrade": "websocket",
                    "Connection": "Upgrade",
                    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Version": "13",
                },
            )
            return conn.getresponse().status
        finally:
            conn.close()

    def get(self, path: str, **kwargs: str) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, **kwargs)

    def assert_static_served(self, html: str) -> list[str]:
        """Every static asset of the page has a hashed name and answers 200, cacheable."""
        urls = STATIC_URL.findall(html)
        assert urls, html[:500]
        for url in urls:
            assert HASHED.search(url), f"{url} is not a manifest (hashed) name"
            status, headers, _ = self.get(url)
            assert status == 200, url
            assert "immutable" in headers.get("cache-control", ""), (url, headers)
        return urls


@pytest.fixture
def production_server(tdemo, tmp_path: Path):
    env = production_env(tmp_path / "static", tmp_path / "var")
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
    server = LiveServer(env=env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_production_deployment_serves_pages_errors_and_static_files(
    production_server, tdemo
) -> None:
    browser = Browser(production_server.port)

    status, headers, login_page = browser.get("/accounts/login/")
    assert status == 200, login_page[-2000:]
    assert "登录" in login_page
    assert "strict-transport-security" in headers
    login_assets = browser.assert_static_served(login_page)
    assert any("css/yishi." in url for url in login_assets), login_assets

    status, _, not_found = browser.get("/no-such-page/")
    assert status == 404, not_found[-2000:]
    assert "页面不存在" in not_found
    browser.assert_static_served(not_found)

    status, _, bad_host = browser.get("/", host="evil.example.com")
    assert status == 400, bad_host[-2000:]
    assert "请求有误" in bad_host

    status, headers, _ = browser.request(
        "POST",
        "/accounts/login/",
        form={
            "username": "jumin",
            "password": DEMO_PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
    )
    assert (status, headers.get("location")) == (302, "/")
    vote = OwnersVote.objects.filter(compound=tdemo.tuanjie).first()
    session = Session.objects.first()
    assert vote is not None and session is not None
    for path, asset in [
        ("/", "js/live."),
        (f"/votes/{vote.pk}/", "js/votes."),
        (f"/sessions/{session.pk}/public/", "css/sessions."),
    ]:
        status, _, page = browser.get(path)
        assert status == 200, (path, page[-2000:])
        assets = browser.assert_static_served(page)
        assert any(asset in url for url in assets), (path, assets)

    # The live socket opens from the site's https origin only, not from another port.
    live = f"/ws/live/?topics=compound:{tdemo.tuanjie.pk}:public&lang=zh-hans"
    assert browser.websocket_status(live, f"https://{SITE}") == 101
    assert browser.websocket_status(live, f"https://{SITE}:8443") == 403

    status, _, admin_login = Browser(production_server.port).get("/admin/login/")
    assert status == 200, admin_login[-2000:]
    browser.assert_static_served(admin_login)
