"""The one error model: what a refused step tells the person, and with which HTTP status.

Services raise these; the action view (``deliberation.views.actions``) maps them to a page,
an htmx fragment or JSON. Every message is translated and safe to show: a plain
``ValueError`` never reaches a user (the view answers it with a generic 400 and logs it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import PermissionDenied


class Conflict(Exception):
    """HTTP 409: the action no longer applies — someone else acted first, or the state
    moved on. The message says what happened."""

    status = 409


class InvalidInput(Exception):
    """HTTP 400: the input cannot be used. ``fields`` maps a form field (or ``"__all__"``)
    to its messages, so the form shows each next to its field and in the error summary."""

    status = 400

    def __init__(self, message: str, *, fields: Mapping[str, Sequence[str]] | None = None):
        super().__init__(message)
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}


class Forbidden(PermissionDenied):
    """HTTP 403: the person may not take this step (policy said no)."""

    status = 403


__all__ = ["Conflict", "Forbidden", "InvalidInput"]
