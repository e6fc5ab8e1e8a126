"""Logged-in HTTP clients and websocket communicators, as a browser of the site would be."""

from __future__ import annotations

from channels.testing import WebsocketCommunicator
from django.test import Client

from deliberation.models import User


def login_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# A browser's handshake from a page of http://localhost: the Origin must match the Host
# exactly (project/websocket_origin.py).
SAME_ORIGIN = [(b"host", b"localhost"), (b"origin", b"http://localhost")]


def ws_headers(client: Client) -> list[tuple[bytes, bytes]]:
    sid = client.cookies["sessionid"].value
    return [(b"cookie", f"sessionid={sid}".encode()), *SAME_ORIGIN]


def communicator(client: Client | None, path: str) -> WebsocketCommunicator:
    from project.asgi import application  # the ASGI app, once Django is set up

    headers = ws_headers(client) if client is not None else list(SAME_ORIGIN)
    return WebsocketCommunicator(application, path, headers=headers)
