"""Matrix rows and budgets of the votes area's kinds (``deliberation/actions/votes.py``)."""

from __future__ import annotations

from . import KindBudget, Row

ROWS: list[Row] = []

BUDGETS: dict[str, KindBudget] = {}
