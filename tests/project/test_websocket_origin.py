"""A live socket opens only from the site's own pages: the Origin must be exactly the
scheme, host and port the socket was opened on (or a configured trusted origin), and the
page's CSP lets it connect nowhere else."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.test import Client

from tests.support.clients import login_client

pytestmark = pytest.mark.django_db(transaction=True)


def handshake(client: Client, path: str, **headers: str) -> bool:
    from project.asgi import application

    sid = client.cookies["sessionid"].value
    raw = [(b"cookie", f"sessionid={sid}".encode())]
    raw += [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()]

    async def scenario() -> bool:
        comm = WebsocketCommunicator(application, path, headers=raw)
        connected, _ = await comm.connect()
        if connected:
            await comm.disconnect()
        return bool(connected)

    return async_to_sync(scenario)()


def test_only_the_exact_origin_of_the_site_may_open_a_socket(tdemo, settings) -> None:
    client = login_client(tdemo.user("jumin"))
    path = f"/ws/live/?topics=compound:{tdemo.tuanjie.pk}:public&lang=en"
    cases = {
        # make run and the test servers: the page's own origin
        "same origin": dict(host="localhost", origin="http://localhost"),
        "make run": dict(host="127.0.0.1:8000", origin="http://127.0.0.1:8000"),
        # another port or scheme of an allowed host is another site
        "other port": dict(host="localhost", origin="http://localhost:1"),
        "other port of make run": dict(host="127.0.0.1:8000", origin="http://127.0.0.1:8001"),
        "https page, http socket": dict(host="localhost", origin="https://localhost"),
        "host not allowed": dict(host="evil.example.com", origin="http://evil.example.com"),
        "no origin": dict(host="localhost"),
        "null origin": dict(host="localhost", origin="null"),
    }
    got = {name: handshake(client, path, **headers) for name, headers in cases.items()}
    assert got == {
        "same origin": True,
        "make run": True,
        "other port": False,
        "other port of make run": False,
        "https page, http socket": False,
        "host not allowed": False,
        "no origin": False,
        "null origin": False,
    }


def test_behind_the_https_proxy_the_site_origin_is_https(tdemo, settings) -> None:
    settings.ALLOWED_HOSTS = ["yishi.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = login_client(tdemo.user("jumin"))
    path = f"/ws/live/?topics=compound:{tdemo.tuanjie.pk}:public&lang=en"
    proxied = {"host": "yishi.example.org", "x_forwarded_proto": "https"}
    assert handshake(client, path, origin="https://yishi.example.org", **proxied)
    assert not handshake(client, path, origin="https://yishi.example.org:8443", **proxied)
    assert not handshake(client, path, origin="http://yishi.example.org", **proxied)
    # a trusted origin is accepted exactly as listed, not on another port
    settings.CSRF_TRUSTED_ORIGINS = ["https://app.example.org"]
    assert handshake(client, path, origin="https://app.example.org", **proxied)
    assert not handshake(client, path, origin="https://app.example.org:444", **proxied)


def test_the_csp_lets_pages_connect_to_their_own_origin_only(client) -> None:
    csp = client.get("/accounts/login/").headers["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    assert directives["connect-src"] == ["'self'"], csp
