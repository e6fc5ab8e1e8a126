"""Matrix rows and budgets of the hotline area's kinds (``deliberation/actions/hotline.py``)."""

from __future__ import annotations

from . import KindBudget, Row

ROWS: list[Row] = []

BUDGETS: dict[str, KindBudget] = {}
