"""Websockets are accepted only from the site's own pages (exact scheme, host and port).

channels' ``AllowedHostsOriginValidator`` compares the Origin's host with ``ALLOWED_HOSTS``
and ignores scheme and port, so a page served by anything else on an allowed host (another
port of the same machine, plain http next to https) could open a socket with the user's
cookie. Like Django's CSRF origin check, the Origin must equal the origin the socket was
opened on — the scheme (``wss``, or ``X-Forwarded-Proto: https`` from the proxy as
``SECURE_PROXY_SSL_HEADER`` says) and the ``Host`` header, which must be in
``ALLOWED_HOSTS`` — or be listed exactly in ``CSRF_TRUSTED_ORIGINS``.
"""

from __future__ import annotations

from typing import Any

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host


def _headers(scope: dict[str, Any]) -> dict[bytes, str]:
    found: dict[bytes, str] = {}
    for name, value in scope.get("headers", []):
        found.setdefault(bytes(name).lower(), bytes(value).decode("latin1"))
    return found


def _is_secure(scope: dict[str, Any], headers: dict[bytes, str]) -> bool:
    if scope.get("scheme") in {"wss", "https"}:
        return True
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        meta_name, secure_value = proxy_header
        name = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()
        forwarded = headers.get(name, "").split(",")[0].strip()
        return forwarded == secure_value
    return False


def origin_allowed(scope: dict[str, Any]) -> bool:
    headers = _headers(scope)
    origin = headers.get(b"origin", "").strip().lower()
    if not origin or origin == "null":
        return False
    if origin in {o.rstrip("/").lower() for o in settings.CSRF_TRUSTED_ORIGINS}:
        return True
    host = headers.get(b"host", "").strip().lower()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if _is_secure(scope, headers) else "http"
    return origin == f"{scheme}://{host}"


class SameOriginValidator:
    """ASGI middleware: refuse the handshake (403) unless ``origin_allowed``."""

    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope["type"] != "websocket":
            raise ValueError("SameOriginValidator only guards websockets")
        if origin_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
