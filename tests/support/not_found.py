"""Comparing two "not found" answers: a hidden object must answer exactly like a missing id.

Pages echo the asked path (the language switch returns to it) and carry a fresh CSRF mask;
neither says anything about the object, so both are set aside before comparing."""

from __future__ import annotations

import re
from typing import Any

CSRF_TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+')


def answer(response: Any, path: str) -> tuple[int, bytes, dict[str, str]]:
    """Status, body and headers of ``response`` to ``path``, with what varies per request
    (the path, CSRF masks, the length that follows from them, CSP directive order) fixed."""
    body = CSRF_TOKEN.sub(rb"\1CSRF", response.content.replace(path.encode(), b"PATH"))
    headers = {k: v for k, v in response.headers.items() if k != "Content-Length"}
    if "Content-Security-Policy" in headers:
        headers["Content-Security-Policy"] = "; ".join(
            sorted(headers["Content-Security-Policy"].split("; "))
        )
    return response.status_code, body, headers
