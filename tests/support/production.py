"""The production path as a test sees it: the environment of ``DEBUG=0`` processes, a
collected static root, and requests as nginx forwards them."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .paths import ROOT
from .server import suite_database_url

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


def collect_static(env: dict[str, str]) -> None:
    """``collectstatic`` with the production storage (the WhiteNoise manifest)."""
    collected = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    assert collected.returncode == 0, collected.stderr[-3000:]
    assert (Path(env["STATIC_ROOT"]) / "staticfiles.json").exists()
