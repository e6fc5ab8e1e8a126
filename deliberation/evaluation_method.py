"""The evaluation method (docs/law.md §9): indicators, weights, grades, lists, appeal periods.

A method is a plain JSON-able dict so that it can be copied into each cycle when the
subdistrict opens it (``EvaluationCycle.method``), edited per cycle and published with the
results; a later change of the default never rewrites a published result. Scoring reads
only the cycle's own copy. ``validate_method`` says in the user's language what is wrong
with an edited method, so the opening form can refuse it with clear messages.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

#: The measured indicators, in the order they are shown; the names are msgids.
MEASURED = {
    "response": gettext_noop("on-time response"),
    "resolution": gettext_noop("on-time resolution"),
    "satisfaction": gettext_noop("satisfaction"),
    "reopen": gettext_noop("few reopened orders"),
    "hotline": gettext_noop("12345 tickets per 100 households"),
}
#: The weighted parties; the self-assessment is shown beside them without weight.
PARTIES = {
    "survey": gettext_noop("residents' survey"),
    "party_committee": gettext_noop("community Party committee"),
    "residents_committee": gettext_noop("residents' committee"),
    "department": gettext_noop("subdistrict departments"),
}
SELF = "self"
GRADES = ("A", "B", "C", "D")
EVIDENCE_KINDS = ("honour", "penalty", "inspection", "commitment")

DEFAULT_METHOD: dict[str, Any] = {
    "version": 1,
    "measured": {
        "response": {"points": 10},
        "resolution": {"points": 15},
        "satisfaction": {"points": 15, "basically_satisfied": 0.9},
        "reopen": {"points": 5},
        # Against the subdistrict's median of tickets per 100 households; a rise in each of
        # the last ``rising_months`` months of the cycle loses ``rising_loss`` points.
        "hotline": {"points": 5, "rising_months": 3, "rising_loss": 2},
    },
    "parties": {
        "survey": {"points": 20, "min_responses": 5, "min_share_percent": 1},
        "party_committee": {"points": 10},
        "residents_committee": {"points": 10},
        "department": {"points": 10},
    },
    # The residents' survey: each criterion answered 1 (very poor) … 5 (very good).
    "survey_criteria": [
        {"key": "cleaning", "name": gettext_noop("Cleaning and refuse")},
        {"key": "repairs", "name": gettext_noop("Repairs and maintenance")},
        {"key": "security", "name": gettext_noop("Order and safety")},
        {"key": "greenery", "name": gettext_noop("Greenery and shared spaces")},
        {"key": "attitude", "name": gettext_noop("Service attitude and openness")},
    ],
    # The parties' scoring (Party committee, residents' committee, departments, self):
    # points given per criterion, 0 … max.
    "party_criteria": [
        {"key": "service", "name": gettext_noop("Service quality"), "max": 30},
        {"key": "response", "name": gettext_noop("Response to residents"), "max": 20},
        {"key": "party_building", "name": gettext_noop("Party building"), "max": 15},
        {"key": "cooperation", "name": gettext_noop("Co-operation with the community"), "max": 20},
        {"key": "transparency", "name": gettext_noop("Openness of fees and accounts"), "max": 15},
    ],
    # Points one entry may carry, by kind, and the caps on the sum per result and cycle.
    "evidence": {
        "kinds": {
            "honour": {"min": 1, "max": 5},
            "penalty": {"min": -10, "max": -1},
            "inspection": {"min": -5, "max": 2},
            "commitment": {"min": 0, "max": 0},
        },
        "cap_plus": 5,
        "cap_minus": -10,
    },
    "grades": {"A": 20, "B": 50, "C": 20, "D": 10},
    "red": {"grade": "A", "min_score": 90},
    "black": {"grade": "D", "below_score": 60, "serious_penalty": True},
    "appeal_working_days": 10,
    "decision_working_days": 15,
}


def default_method() -> dict[str, Any]:
    """A fresh copy of the default, to be edited and stored in a new cycle."""
    return copy.deepcopy(DEFAULT_METHOD)


def cycle_period(year: int, half: int) -> tuple[date, date]:
    """The first and last day of a half-year cycle."""
    if half == 1:
        return date(year, 1, 1), date(year, 6, 30)
    return date(year, 7, 1), date(year, 12, 31)


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _points(section: Any, key: str) -> Decimal | None:
    if not isinstance(section, Mapping) or not isinstance(section.get(key), Mapping):
        return None
    return _number(section[key].get("points"))


def validate_method(method: Any) -> list[str]:
    """Everything wrong with a method, as messages for the person editing it (empty: fine).

    The measured and party points must add up to 100, the grade proportions to 100, the
    list thresholds lie between 0 and 100, the evidence ranges make sense and the appeal
    periods be whole working days.
    """
    if not isinstance(method, Mapping):
        return [_("The method is not in the expected form.")]
    errors: list[str] = []
    total = Decimal(0)
    for section, names in (("measured", MEASURED), ("parties", PARTIES)):
        for key in names:
            points = _points(method.get(section), key)
            if points is None or points < 0:
                errors.append(
                    _("The points for “%(name)s” must be a number of at least 0.")
                    % {"name": _(names[key])}
                )
            else:
                total += points
    if not errors and total != 100:
        errors.append(
            _("The weights must add up to 100 points; they add up to %(total)s.")
            % {"total": f"{total.normalize():f}"}
        )
    survey = (method.get("parties") or {}).get("survey") or {}
    minimum = _number(survey.get("min_responses"))
    share = _number(survey.get("min_share_percent"))
    if minimum is None or minimum < 0 or minimum != int(minimum):
        errors.append(_("The minimum number of households answering must be a whole number."))
    if share is None or not 0 <= share <= 100:
        errors.append(_("The minimum share of households answering must be 0–100 %."))
    grades = method.get("grades")
    proportions = [_number(grades.get(g)) if isinstance(grades, Mapping) else None for g in GRADES]
    if any(p is None or p < 0 for p in proportions):
        errors.append(_("Each grade needs a proportion of at least 0 %."))
    elif sum(p for p in proportions if p is not None) != 100:
        errors.append(_("The grade proportions must add up to 100 %."))
    for key, field in (("red", "min_score"), ("black", "below_score")):
        rule = method.get(key)
        if not isinstance(rule, Mapping):
            errors.append(_("The list thresholds must lie between 0 and 100 points."))
            break
        value = _number(rule.get(field))
        if value is None or not 0 <= value <= 100:
            errors.append(_("The list thresholds must lie between 0 and 100 points."))
            break
        if rule.get("grade") not in GRADES:
            errors.append(_("Each list must name a grade (A, B, C or D)."))
            break
    errors.extend(_evidence_errors(method.get("evidence")))
    for key in ("appeal_working_days", "decision_working_days"):
        days = _number(method.get(key))
        if days is None or days < 1 or days > 60 or days != int(days):
            errors.append(_("The appeal and decision periods must be 1–60 working days."))
            break
    for key in ("survey_criteria", "party_criteria"):
        criteria = method.get(key)
        if not isinstance(criteria, list) or not criteria:
            errors.append(_("The survey and the parties' scoring each need criteria."))
            break
    return errors


def _evidence_errors(evidence: Any) -> list[str]:
    if not isinstance(evidence, Mapping) or not isinstance(evidence.get("kinds"), Mapping):
        return [_("The evidence rules are not in the expected form.")]
    for kind in EVIDENCE_KINDS:
        rule = evidence["kinds"].get(kind)
        low = _number(rule.get("min")) if isinstance(rule, Mapping) else None
        high = _number(rule.get("max")) if isinstance(rule, Mapping) else None
        if low is None or high is None or low > high or low < -100 or high > 100:
            return [_("Each kind of evidence needs a lowest and a highest number of points.")]
    plus, minus = _number(evidence.get("cap_plus")), _number(evidence.get("cap_minus"))
    if plus is None or minus is None or plus < 0 or minus > 0:
        return [_("The evidence caps must be at least 0 (honours) and at most 0 (penalties).")]
    return []


def survey_score(method: Mapping[str, Any], answers: Mapping[str, Any]) -> Decimal:
    """A household's survey answers (1–5 per criterion) as a score out of 100.

    1 is 0 and 5 is 100; the mean over the cycle's criteria, two decimals.
    """
    keys = [c["key"] for c in method["survey_criteria"]]
    values = [Decimal(int(answers[k]) - 1) * 25 for k in keys]
    return (sum(values, Decimal(0)) / len(values)).quantize(Decimal("0.01"))


def party_score(method: Mapping[str, Any], answers: Mapping[str, Any]) -> Decimal:
    """A party's points per criterion as a score out of 100 (points given / points possible)."""
    criteria = method["party_criteria"]
    given = sum((Decimal(str(answers[c["key"]])) for c in criteria), Decimal(0))
    possible = sum((Decimal(str(c["max"])) for c in criteria), Decimal(0))
    return (given * 100 / possible).quantize(Decimal("0.01"))
