"""The residents' survey (one anonymous answer per household) and the parties' scores
(community Party committee, residents' committee, the subdistrict's departments, the
firm's self-assessment), each against the criteria of the cycle (docs/law.md §9)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, Forbidden, InvalidInput
from deliberation.evaluation_method import party_score, survey_score
from deliberation.models import (
    Compound,
    EvaluationCycle,
    EvaluationResult,
    Organization,
    PartyScore,
    Residency,
    SurveyResponse,
    Unit,
    User,
)
from deliberation.selectors.evaluations import household_key

from .common import SURVEY_MAX_ANSWER, S, criteria, invalid, locked, require_status, text

Scorer = PartyScore.Scorer
CENT = Decimal("0.01")
MAX_COMMENT = 2000


def _comment(comment: str) -> str:
    return text(comment, label=_("Comment"), field="comment", limit=MAX_COMMENT)


def _answers(items: list[dict[str, Any]], answers: Any, low: int, high_of: Any) -> dict[str, int]:
    """Each criterion answered once, as a whole number within its range; nothing else."""
    if not isinstance(answers, dict) or set(answers) != {c["key"] for c in items}:
        raise invalid(_("Answer every question, and only these."))
    checked: dict[str, int] = {}
    for item in items:
        value = answers[item["key"]]
        high = high_of(item)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = low - 1
        if isinstance(value, bool) or number < low or number > high or str(number) != str(value):
            raise invalid(
                _("“%(name)s”: choose a whole number from %(low)d to %(high)d.")
                % {"name": item["name"], "low": low, "high": high},
                item["key"],
            )
        checked[item["key"]] = number
    return checked


def survey_open(cycle: EvaluationCycle) -> bool:
    return cycle.status == S.SCORING and timezone.now() < cycle.survey_closes_at


@transaction.atomic
def submit_survey(
    *, cycle: EvaluationCycle, unit: Unit, by: User, answers: Any, comment: str = ""
) -> SurveyResponse:
    """Record one household's answer about its compound's provider. Stored without the
    user and the unit: only ``household_key``."""
    unit = Unit.objects.select_related("building__compound").get(pk=unit.pk)
    if not Residency.objects.filter(user=by, unit=unit).exists():
        raise policy_denied()
    compound = unit.building.compound
    if not policy.can(by, "evaluation.answer_survey", cycle):
        raise policy_denied()
    cycle = locked(cycle)
    require_status(cycle, S.SCORING)
    if timezone.now() >= cycle.survey_closes_at:
        raise Conflict(_("The survey closed on %(when)s.") % {"when": _day(cycle.survey_closes_at)})
    provider = EvaluationResult.objects.filter(cycle=cycle, compound=compound).first()
    if provider is None:
        raise invalid(_("Your compound has no property service evaluated in this cycle."))
    items = criteria(cycle.method, "survey")
    checked = _answers(items, answers, 1, lambda item: SURVEY_MAX_ANSWER)
    key = household_key(cycle, unit)
    if SurveyResponse.objects.filter(cycle=cycle, household_key=key).exists():
        raise _already_answered()
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                cycle=cycle,
                compound=compound,
                organization_id=provider.organization_id,
                household_key=key,
                answers=checked,
                score=survey_score(cycle.method, checked),
                comment=_comment(comment),
            )
    except IntegrityError as exc:
        raise _already_answered() from exc


def household_answered(cycle: EvaluationCycle, unit_ids: Any) -> set[int]:
    """Which of ``unit_ids`` (the person's homes) have answered this cycle's survey."""
    keys = {household_key(cycle, Unit(pk=u)): u for u in unit_ids}
    found = SurveyResponse.objects.filter(cycle=cycle, household_key__in=list(keys))
    return {keys[k] for k in found.values_list("household_key", flat=True)}


def _already_answered() -> Conflict:
    return Conflict(_("Your household has already answered this survey; one answer each."))


def policy_denied() -> Exception:
    return Forbidden("evaluation.answer_survey")


def _day(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def scorer_role(scorer: Organization, organization: Organization) -> str | None:
    """The part ``scorer`` plays for ``organization``: None when it scores nobody."""
    kinds = Organization.Kind
    if scorer.pk == organization.pk:
        return str(Scorer.SELF)
    roles: dict[str, str] = {
        kinds.PARTY_COMMITTEE: str(Scorer.PARTY_COMMITTEE),
        kinds.RESIDENTS_COMMITTEE: str(Scorer.RESIDENTS_COMMITTEE),
        kinds.SUBDISTRICT_OFFICE: str(Scorer.DEPARTMENT),
    }
    return roles.get(scorer.kind)


def scoring_open(cycle: EvaluationCycle) -> bool:
    return cycle.status == S.SCORING and timezone.now() <= cycle.scoring_closes_at


@transaction.atomic
def submit_party_score(
    *,
    cycle: EvaluationCycle,
    by: User,
    scorer: Organization,
    organization: Organization,
    compound: Compound | None,
    answers: Any,
    comment: str = "",
) -> PartyScore:
    """Record (or, while scoring is open, correct) ``scorer``'s score of ``organization``
    for ``compound`` (or overall). Who may score what: ``evaluation.score``."""
    if not policy.can(by, "evaluation.score", (cycle, scorer, organization, compound)):
        raise Forbidden("evaluation.score")
    role = scorer_role(scorer, organization)
    cycle = locked(cycle)
    require_status(cycle, S.SCORING)
    if timezone.now() > cycle.scoring_closes_at:
        raise Conflict(_("Scores were due by %(when)s.") % {"when": _day(cycle.scoring_closes_at)})
    evaluated = EvaluationResult.objects.filter(
        cycle=cycle, organization=organization, compound=compound
    ).exists()
    if not evaluated or role is None:
        raise invalid(_("This organization is not evaluated for this compound in this cycle."))
    items = criteria(cycle.method, "party")
    checked = _answers(items, answers, 0, lambda item: item["max"])
    values = {
        "scorer_role": role,
        "answers": checked,
        "score": party_score(cycle.method, checked),
        "comment": _comment(comment),
        "entered_by": by,
    }
    existing = (
        PartyScore.objects.select_for_update()
        .filter(cycle=cycle, organization=organization, compound=compound, scorer=scorer)
        .first()
    )
    if existing is not None:
        for name, value in values.items():
            setattr(existing, name, value)
        existing.save()
        return existing
    try:
        with transaction.atomic():
            return PartyScore.objects.create(
                cycle=cycle, organization=organization, compound=compound, scorer=scorer, **values
            )
    except IntegrityError as exc:
        raise Conflict(_("Someone of your organization entered this score just now.")) from exc


__all__ = [
    "InvalidInput",
    "household_answered",
    "household_key",
    "scorer_role",
    "scoring_open",
    "submit_party_score",
    "submit_survey",
    "survey_open",
]
