"""Grades by proportion and the red/black thresholds at their boundaries (docs/law.md §9)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from deliberation.evaluation_method import default_method, validate_method
from deliberation.services.evaluations.grading import (
    band_ends,
    grade_by_proportion,
    listing_for,
    to_cents,
)

PROPORTIONS = default_method()["grades"]


def grades(scores: list[str]) -> list[str]:
    placed = grade_by_proportion(list(enumerate(Decimal(s) for s in scores)), PROPORTIONS)
    return [placed[i].grade for i in range(len(scores))]


def test_ten_results_split_20_50_20_10() -> None:
    scores = [str(100 - i) for i in range(10)]
    assert grades(scores) == ["A", "A", "B", "B", "B", "B", "B", "C", "C", "D"]


def test_twenty_five_results_round_each_boundary_half_up() -> None:
    assert band_ends(25, PROPORTIONS) == [5, 18, 23, 25]
    got = grades([str(100 - i) for i in range(25)])
    assert got.count("A") == 5 and got[4] == "A" and got[5] == "B"
    assert got[17] == "B" and got[18] == "C" and got[22] == "C" and got[23] == "D"


def test_a_tie_across_a_boundary_shares_the_better_grade_and_rank() -> None:
    scores = ["95", "90", "90", "80", "70", "60", "50", "40", "30", "20"]
    placed = grade_by_proportion(list(enumerate(Decimal(s) for s in scores)), PROPORTIONS)
    assert (placed[1].rank, placed[1].grade) == (2, "A")
    assert (placed[2].rank, placed[2].grade) == (2, "A")  # place 3 would be B
    assert (placed[3].rank, placed[3].grade) == (4, "B")


def test_the_order_of_input_does_not_matter() -> None:
    scores = ["60", "99", "75"]
    placed = grade_by_proportion(list(enumerate(Decimal(s) for s in scores)), PROPORTIONS)
    assert [placed[i].rank for i in range(3)] == [3, 1, 2]


def test_red_list_needs_grade_a_and_at_least_90_points() -> None:
    method = default_method()
    assert listing_for(method, grade="A", score=Decimal("90.00"), serious=False) == "red"
    assert listing_for(method, grade="A", score=Decimal("89.99"), serious=False) == ""
    assert listing_for(method, grade="B", score=Decimal("95.00"), serious=False) == ""


def test_black_list_needs_grade_d_below_60_or_a_serious_penalty() -> None:
    method = default_method()
    assert listing_for(method, grade="D", score=Decimal("59.99"), serious=False) == "black"
    assert listing_for(method, grade="D", score=Decimal("60.00"), serious=False) == ""
    assert listing_for(method, grade="C", score=Decimal("40.00"), serious=False) == ""
    assert listing_for(method, grade="A", score=Decimal("96.00"), serious=True) == "black"


def test_thresholds_follow_the_cycles_own_method() -> None:
    method = default_method()
    method["red"]["min_score"] = 85
    assert listing_for(method, grade="A", score=Decimal("85.00"), serious=False) == "red"


def test_scores_round_half_up_to_two_decimals() -> None:
    assert to_cents(Fraction(10005, 1000)) == Decimal("10.01")
    assert to_cents(Fraction(1, 3) * 100) == Decimal("33.33")
    assert to_cents(Fraction(-15, 1000)) == Decimal("-0.02")


def test_the_default_method_is_valid() -> None:
    assert validate_method(default_method()) == []


def test_a_bad_method_is_refused_with_reasons() -> None:
    method = default_method()
    method["measured"]["response"]["points"] = 20
    method["grades"]["A"] = 30
    method["red"]["min_score"] = 120
    method["appeal_working_days"] = 0
    errors = validate_method(method)
    assert any("100" in e and "110" in e for e in errors), errors
    assert len(errors) == 4, errors
    assert validate_method("nonsense") != []
    method = default_method()
    method["parties"]["survey"]["points"] = "lots"
    assert len(validate_method(method)) == 1
