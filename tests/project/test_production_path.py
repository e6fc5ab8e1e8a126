"""The README's production steps serve: ``collectstatic`` with the production storage (the
WhiteNoise manifest), then Daphne with ``DEBUG=0`` behind a proxy that says HTTPS.

The rest of the suite runs with ``DEBUG=1`` and plain static storage, so it cannot see a
manifest that is missing or incomplete — which made every HTML page, 404 and bad-Host
answer a 500 in production while ``/healthz/`` still said all was well.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deliberation.demo.tuanjiehu import DEMO_PASSWORD
from deliberation.models import OwnersVote, Session
from tests.support.production import SITE, Browser, production_env
from tests.support.server import LiveServer

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def production_server(tdemo, collected_static: Path, tmp_path: Path):
    env = production_env(collected_static, tmp_path / "var")
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
