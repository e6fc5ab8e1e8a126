"""The client's address as seen by the outermost proxy we trust.

Behind the README's nginx every request reaches Daphne from 127.0.0.1, so the socket peer
says nothing about the client; nginx appends the address it saw to ``X-Forwarded-For``.
Only the entries our own proxies appended can be believed (a client may send any header),
so we count ``YISHI_TRUSTED_PROXY_COUNT`` entries from the right; with 0 the header is
ignored. Used by django-axes (``AXES_CLIENT_IP_CALLABLE``) for its login lockouts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    peer = request.META.get("REMOTE_ADDR") or None
    hops = settings.YISHI_TRUSTED_PROXY_COUNT
    if hops <= 0:
        return peer
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < hops:
        return peer  # not through our proxies (a direct connection): the peer is the client
    try:
        return str(ipaddress.ip_address(forwarded[-hops]))
    except ValueError:
        return peer
