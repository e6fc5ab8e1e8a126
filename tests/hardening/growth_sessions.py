"""Query-budget helpers of the sessions area: how to make the rows its pages and fragments list
grow, and the transitions that push its fragments (used by ``budgets.py``)."""

from __future__ import annotations
