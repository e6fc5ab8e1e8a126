"""What an Open311 client reads: errors come as a JSON list with one ``{code, description}``."""

from __future__ import annotations

from typing import Any


def error_of(response: Any, status: int) -> str:
    """The error's description, after checking the answer has the Open311 error shape."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and len(body) == 1 and body[0]["code"] == status
    assert body[0]["description"]
    return str(body[0]["description"])
