"""Matrix rows and budgets of the committees area's kinds
(``deliberation/actions/committees.py``)."""

from __future__ import annotations

from . import KindBudget, Row

ROWS: list[Row] = []

BUDGETS: dict[str, KindBudget] = {}
