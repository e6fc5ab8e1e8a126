"""Classified management (分类管理): compounds by category × management mode, with counts and
each group's hotline figures, as the subdistrict sees its management units.

Reads the indicators (``indicators_for``) and one query for the compounds in scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from deliberation.models import Compound

from .indicators import Figures, Indicators, compound_scope, indicators_for

Category = Compound.Category
Mode = Compound.ManagementMode


@dataclass
class Group:
    category: str
    mode: str
    compounds: list[str] = field(default_factory=list)
    households: int = 0
    figures: Figures = field(default_factory=Figures)

    @property
    def category_label(self) -> str:
        return str(Category(self.category).label)

    @property
    def mode_label(self) -> str:
        return str(Mode(self.mode).label)

    @property
    def count(self) -> int:
        return len(self.compounds)

    @property
    def per_100(self) -> str:
        return self.figures.per_100(self.households)


@dataclass
class Classified:
    indicators: Indicators
    groups: list[Group]
    #: category → mode → number of compounds (every cell, zeros included)
    grid: list[tuple[str, list[int], int]]
    modes: list[str]
    mode_totals: list[int]
    total: int


def classified_for(
    user: Any, *, first: date | None = None, last: date | None = None
) -> Classified | None:
    where = compound_scope(user)
    data = indicators_for(user, first=first, last=last)
    if where is None or data is None:
        return None
    by_compound = {row.key: row for row in data.compounds}
    groups: dict[tuple[str, str], Group] = {}
    rows = Compound.objects.filter(where).order_by("name")
    for pk, name, category, mode, households in rows.values_list(
        "pk", "name", "category", "management_mode", "households"
    ):
        group = groups.setdefault((category, mode), Group(category, mode))
        group.compounds.append(name)
        group.households += households
        if pk in by_compound:
            group.figures.add(vars(by_compound[pk].figures))
    categories = [c.value for c in Category]
    modes = [m.value for m in Mode]
    grid = []
    for c in categories:
        counts = [groups[(c, m)].count if (c, m) in groups else 0 for m in modes]
        grid.append((str(Category(c).label), counts, sum(counts)))
    mode_totals = [sum(row[1][i] for row in grid) for i in range(len(modes))]
    ordered = [groups[(c, m)] for c in categories for m in modes if (c, m) in groups]
    return Classified(
        indicators=data,
        groups=ordered,
        grid=grid,
        modes=[str(Mode(m).label) for m in modes],
        mode_totals=mode_totals,
        total=sum(mode_totals),
    )
