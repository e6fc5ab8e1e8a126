"""The hotline area's kinds and actions (declared on import)."""

from __future__ import annotations
