"""Geometry of the score-history chart (one point per published cycle), drawn by the
template as plain SVG like ``svg_charts``: the y axis carries its values (0, the black-list
line, the red-list line, 100), each point carries its score and grade as text, and the
template gives the same figures as a table."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass
class ScorePoint:
    x: float
    y: float
    label: str
    score: str
    grade: str
    listing: str


@dataclass
class ScoreChart:
    width: int
    height: int
    left: float
    baseline: float
    points: list[ScorePoint]
    polyline: str
    ticks: list[tuple[float, str]]


def score_chart(
    series: list[tuple[str, Decimal | None, str, str]],
    *,
    lines: tuple[int, ...] = (0, 60, 90, 100),
    width: int = 320,
    height: int = 160,
) -> ScoreChart:
    """``series``: (cycle label, score or None, grade, listing) in time order."""
    left, top, bottom = 28, 12, 20
    plot = height - top - bottom
    step = (width - left) / max(len(series), 1)

    def y_of(value: float) -> float:
        return round(top + plot * (1 - value / 100), 1)

    points = [
        ScorePoint(
            x=round(left + i * step + step / 2, 1),
            y=y_of(float(score)),
            label=label,
            score=f"{score:.2f}",
            grade=grade,
            listing=listing,
        )
        for i, (label, score, grade, listing) in enumerate(series)
        if score is not None
    ]
    return ScoreChart(
        width=width,
        height=height,
        left=left,
        baseline=top + plot,
        points=points,
        polyline=" ".join(f"{p.x},{p.y}" for p in points),
        ticks=[(y_of(v), str(v)) for v in lines],
    )
