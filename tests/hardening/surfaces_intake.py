"""Permission-matrix surfaces of the intake area: the real pages, fragments and writes that must
agree with its policy rules (used by the rows in ``matrix.py``)."""

from __future__ import annotations
