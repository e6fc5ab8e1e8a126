"""The error a service raises when the thing changed under the user (HTTP 409)."""

from __future__ import annotations


class Conflict(Exception):
    """The action no longer applies: someone else acted first, or the state moved on.

    The message is translated and safe to show to the user.
    """
