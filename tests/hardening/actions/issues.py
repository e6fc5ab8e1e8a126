"""Matrix rows and budgets of the issues area's kinds (``deliberation/actions/issues.py``)."""

from __future__ import annotations

from . import KindBudget, Row

ROWS: list[Row] = []

BUDGETS: dict[str, KindBudget] = {}
