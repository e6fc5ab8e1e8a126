"""Matrix rows and budgets of the sessions area's kinds (``deliberation/actions/sessions.py``)."""

from __future__ import annotations

from . import KindBudget, Row

ROWS: list[Row] = []

BUDGETS: dict[str, KindBudget] = {}
