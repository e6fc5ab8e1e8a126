"""Kept for the services' imports: the conflict error lives in ``deliberation.errors``."""

from __future__ import annotations

from deliberation.errors import Conflict

__all__ = ["Conflict"]
