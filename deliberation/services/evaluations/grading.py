"""Grades by proportion and the red/black lists (docs/law.md §9): pure functions, no queries.

Grade boundaries: with ``n`` results sorted by score, best first, the k-th grade band ends
at position ``round_half_up(n × cumulative % / 100)`` — with 10 results and 20/50/20/10 %,
places 1–2 are A, 3–7 B, 8–9 C and 10 D; with 25, places 1–5 A, 6–18 B, 19–23 C, 24–25 D.
**Ties** are never split: equal scores share a rank (1, 2, 2, 4) and the grade of the best
place among them, so a tie across a boundary may put slightly more results in the better
grade rather than give two equal scores different grades.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeVar

from deliberation.evaluation_method import GRADES

K = TypeVar("K", bound=Hashable)
CENT = Decimal("0.01")


def to_cents(value: Fraction) -> Decimal:
    """An exact value rounded half away from zero to two decimals (how scores are shown)."""
    sign = -1 if value < 0 else 1
    cents = int(abs(value) * 100 + Fraction(1, 2))
    return (Decimal(sign * cents) / 100).quantize(CENT)


def band_ends(n: int, proportions: Mapping[str, Any]) -> list[int]:
    """The last place (1-based) of each grade band, in grade order."""
    ends, cumulative = [], Fraction(0)
    for grade in GRADES:
        cumulative += Fraction(str(proportions[grade]))
        ends.append(int(n * cumulative / 100 + Fraction(1, 2)))
    ends[-1] = n
    return ends


@dataclass(frozen=True)
class Placed:
    rank: int
    grade: str


def grade_by_proportion(
    scores: Sequence[tuple[K, Decimal]], proportions: Mapping[str, Any]
) -> dict[K, Placed]:
    """Rank and grade each key by its score (higher is better), ties sharing both."""
    ordered = sorted(scores, key=lambda pair: pair[1], reverse=True)
    ends = band_ends(len(ordered), proportions)
    placed: dict[K, Placed] = {}
    previous: tuple[Decimal, Placed] | None = None
    for place, (key, score) in enumerate(ordered, start=1):
        if previous is not None and previous[0] == score:
            placed[key] = previous[1]
            continue
        grade = next(g for g, end in zip(GRADES, ends, strict=True) if place <= end)
        placed[key] = Placed(rank=place, grade=grade)
        previous = (score, placed[key])
    return placed


def listing_for(
    method: Mapping[str, Any], *, grade: str, score: Decimal | None, serious: bool
) -> str:
    """ "red", "black" or "" by the cycle's thresholds; a serious penalty means black."""
    black = method["black"]
    if serious and black.get("serious_penalty", True):
        return "black"
    if score is None or not grade:
        return ""
    if grade == black["grade"] and score < Decimal(str(black["below_score"])):
        return "black"
    red = method["red"]
    if grade == red["grade"] and score >= Decimal(str(red["min_score"])):
        return "red"
    return ""
