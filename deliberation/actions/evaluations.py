"""The community evaluation (社区评价红黑榜): every step of a cycle, declared once
(docs/law.md §9). Residents answer the survey while it is open and their household has
not; each scoring party scores until it has; the subdistrict closes the scoring, publishes
and decides appeals; an evaluated organization appeals its published result."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.errors import Conflict
from deliberation.evaluation_forms import (
    AppealForm,
    DecideAppealForm,
    PartyScoreForm,
    SurveyForm,
)
from deliberation.live.topics import topic
from deliberation.models import Appeal, EvaluationCycle, EvaluationResult, Organization, Unit
from deliberation.policy import load_principal
from deliberation.policy.principal import Principal
from deliberation.selectors.evaluations import score_state, scoring_targets, task_cycles
from deliberation.services.evaluations import appeals, cycles, surveys
from deliberation.services.evaluations.common import (
    add_working_days,
    method_days,
    scoring_organizations,
)

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

S = EvaluationCycle.Status


def _when(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _cycle_title(cycle: EvaluationCycle) -> str:
    return _("Community evaluation %(year)d %(half)s") % {
        "year": cycle.year,
        "half": cycle.get_half_display(),
    }


def _load_cycle(pk: int) -> EvaluationCycle | None:
    return EvaluationCycle.objects.select_related("subdistrict").filter(pk=pk).first()


def _cycle_candidates(p: Principal) -> Iterable[EvaluationCycle]:
    if not p.is_authenticated or not (p.is_party_staff or p.home_units):
        return []
    return task_cycles(p)


def _loaded_for(user: Any, cycle: EvaluationCycle) -> bool:
    """The task list loaded the cycle for this person, with their answers (no query each)."""
    return getattr(cycle, "loaded_for", None) == user.pk


def _cycle_audience(cycle: EvaluationCycle) -> Audience:
    return Audience(
        topics=(topic("evaluation", cycle.pk, "public"),),
        organizations=tuple(scoring_organizations(cycle)),
    )


declare_kind(
    ObjectKind(
        name="evaluation",
        model=EvaluationCycle,
        label=pgettext_lazy("kind", "community evaluation"),
        load=_load_cycle,
        page_url=lambda c: reverse("evaluation-detail", args=[c.pk]),
        audience=_cycle_audience,
        task_candidates=_cycle_candidates,
        title=_cycle_title,
    )
)


# --- the residents' survey ----------------------------------------------------------------


def survey_units(cycle: EvaluationCycle, user: Any) -> list[Unit]:
    """The person's homes in the cycle's subdistrict that have not answered yet (read once
    per request: the page, its controls and the form ask the same)."""
    cache = cycle.__dict__.setdefault("_survey_units", {})
    if user.pk not in cache:
        cache[user.pk] = _survey_units(cycle, user)
    return list(cache[user.pk])


def _survey_units(cycle: EvaluationCycle, user: Any) -> list[Unit]:
    homes = list(
        Unit.objects.filter(
            residencies__user=user,
            building__compound__community__subdistrict_id=cycle.subdistrict_id,
            building__compound__property_provider__isnull=False,
        )
        .select_related("building__compound")
        .distinct()
        .order_by("pk")
    )
    answered = surveys.household_answered(cycle, [u.pk for u in homes])
    return [u for u in homes if u.pk not in answered]


def _survey_left(user: Any, cycle: EvaluationCycle) -> bool:
    if not surveys.survey_open(cycle):
        return True  # the state answers (409), not the household's answer
    if _loaded_for(user, cycle):
        return bool(cycle.homes_left)  # type: ignore[attr-defined]
    return bool(survey_units(cycle, user))


def _answer_survey(cycle: EvaluationCycle, user: Any, data: dict[str, Any]) -> Outcome:
    form_units = {u.pk: u for u in survey_units(cycle, user)}
    unit = form_units.get(data["unit"])
    if unit is None:
        raise Conflict(_("Your household has already answered this survey; one answer each."))
    surveys.submit_survey(
        cycle=cycle, unit=unit, by=user, answers=data["answers"], comment=data.get("comment", "")
    )
    return Outcome(
        _("Thank you: your household's answer about %(compound)s is recorded, anonymously.")
        % {"compound": unit.building.compound.name},
        redirect=reverse("evaluation-survey", args=[cycle.pk]),
    )


class _SurveyActionForm(SurveyForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            data["answers"] = self.answers()
        return data


declare(
    Action(
        kind="evaluation",
        name="answer_survey",
        rule="evaluation.answer_survey",
        label=pgettext_lazy("evaluation action", "Answer the survey"),
        task_label=gettext_lazy("Rate your property service"),
        run=_answer_survey,
        when=surveys.survey_open,
        also=_survey_left,
        form=_SurveyActionForm,
        form_kwargs=lambda cycle, user: {"cycle": cycle, "units": survey_units(cycle, user)},
        weight=Weight.PRIMARY,
        task=True,
        due=lambda cycle: cycle.survey_closes_at,
        task_url=lambda cycle: reverse("evaluation-survey", args=[cycle.pk]),
        extra={"controls": False},
        prefix="survey",
    )
)


# --- the parties' scores ------------------------------------------------------------------


def _open_targets(cycle: EvaluationCycle, user: Any) -> list[dict[str, Any]]:
    cache = cycle.__dict__.setdefault("_score_targets", {})
    if user.pk not in cache:
        cache[user.pk] = scoring_targets(cycle, user)
    return list(cache[user.pk])


def _score_state(user: Any, cycle: EvaluationCycle) -> tuple[bool, bool]:
    """(something to score, something unscored) for the person: loaded with the task list,
    else one query per request."""
    if _loaded_for(user, cycle):
        return bool(cycle.has_targets), bool(cycle.has_unscored)  # type: ignore[attr-defined]
    cache = cycle.__dict__.setdefault("_score_state", {})
    if user.pk not in cache:
        cache[user.pk] = score_state(cycle, load_principal(user))
    return cache[user.pk]


def _unscored(user: Any, cycle: EvaluationCycle) -> bool:
    if not surveys.scoring_open(cycle):
        return True  # the state answers (409), not the person's scores
    return _score_state(user, cycle)[1]


class _ScoreActionForm(PartyScoreForm):
    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            data["answers"] = self.answers()
        return data


def _score(cycle: EvaluationCycle, user: Any, data: dict[str, Any]) -> Outcome:
    target = data["target"]
    result = target["result"]
    surveys.submit_party_score(
        cycle=cycle,
        by=user,
        scorer=target["scorer"],
        organization=result.organization,
        compound=result.compound,
        answers=data["answers"],
        comment=data.get("comment", ""),
    )
    where = result.compound.name if result.compound else _("overall")
    return Outcome(
        _("%(scorer)s's score of %(org)s (%(where)s) is recorded.")
        % {"scorer": target["scorer"].name, "org": result.organization.name, "where": where},
        redirect=reverse("evaluation-score", args=[cycle.pk]),
    )


declare(
    Action(
        kind="evaluation",
        name="score",
        rule="evaluation.score",
        label=pgettext_lazy("evaluation action", "Score"),
        task_label=gettext_lazy("Score the property service"),
        run=_score,
        when=surveys.scoring_open,
        also=_unscored,
        form=_ScoreActionForm,
        form_kwargs=lambda cycle, user: {"cycle": cycle, "targets": _open_targets(cycle, user)},
        weight=Weight.PRIMARY,
        order=1,
        task=True,
        due=lambda cycle: cycle.scoring_closes_at,
        task_url=lambda cycle: reverse("evaluation-score", args=[cycle.pk]),
        extra={"controls": False},
    )
)


def _scored(user: Any, cycle: EvaluationCycle) -> bool:
    if not surveys.scoring_open(cycle):
        return True  # the state answers (409), not the person's scores
    has_targets, has_unscored = _score_state(user, cycle)
    return has_targets and not has_unscored


declare(
    Action(
        kind="evaluation",
        name="rescore",
        rule="evaluation.score",
        label=pgettext_lazy("evaluation action", "Correct a score"),
        run=_score,
        when=surveys.scoring_open,
        also=_scored,
        form=_ScoreActionForm,
        form_kwargs=lambda cycle, user: {"cycle": cycle, "targets": _open_targets(cycle, user)},
        order=4,
        task_url=lambda cycle: reverse("evaluation-score", args=[cycle.pk]),
        extra={"controls": False},
        prefix="score",
    )
)


# --- review and publication ---------------------------------------------------------------


def _close_scoring(cycle: EvaluationCycle, user: Any, data: dict[str, Any]) -> Outcome:
    cycles.close_scoring(cycle=cycle, by=user)
    return Outcome(
        _("Scoring of %(title)s is closed; the results are ready for your review.")
        % {"title": _cycle_title(cycle)},
        redirect=reverse("evaluation-detail", args=[cycle.pk]),
        reload=True,
    )


declare(
    Action(
        kind="evaluation",
        name="close_scoring",
        rule="evaluation.manage",
        label=pgettext_lazy("evaluation action", "Close scoring and compute"),
        help=gettext_lazy(
            "The survey and the parties' scoring end; every result is computed by the method "
            "in force."
        ),
        run=_close_scoring,
        when=lambda cycle: cycle.status == S.SCORING,
        weight=Weight.PRIMARY,
        order=2,
        task=True,
        due=lambda cycle: cycle.scoring_closes_at,
        confirm=gettext_lazy("Close the survey and the scoring now? Late answers are refused."),
    )
)


def _publish(cycle: EvaluationCycle, user: Any, data: dict[str, Any]) -> Outcome:
    cycle = cycles.publish_cycle(cycle=cycle, by=user)
    return Outcome(
        _("The community evaluation list is published; appeals are possible until %(when)s.")
        % {"when": _when(cycle.appeals_close_at)},
        redirect=reverse("evaluation-detail", args=[cycle.pk]),
        reload=True,
    )


declare(
    Action(
        kind="evaluation",
        name="publish",
        rule="evaluation.manage",
        label=pgettext_lazy("evaluation action", "Publish the list"),
        help=gettext_lazy("The list appears on the public pages and the appeal period starts."),
        run=_publish,
        when=lambda cycle: cycle.status == S.REVIEW,
        weight=Weight.PRIMARY,
        order=3,
        task=True,
        due=lambda cycle: cycle.scoring_closes_at,
    )
)


# --- appeals ------------------------------------------------------------------------------


def _load_result(pk: int) -> EvaluationResult | None:
    pending = Appeal.objects.filter(result=OuterRef("pk"), status=Appeal.Status.PENDING)
    return (
        EvaluationResult.objects.select_related("cycle__subdistrict", "organization", "compound")
        .annotate(
            pending_appeal=Exists(pending),
            pending_filed_at=Subquery(pending.values("filed_at")[:1]),
        )
        .filter(pk=pk)
        .first()
    )


def _result_candidates(p: Principal) -> Iterable[EvaluationResult]:
    if not p.is_subdistrict:
        return []
    pending = Appeal.objects.filter(result=OuterRef("pk"), status=Appeal.Status.PENDING)
    return (
        EvaluationResult.objects.select_related("cycle__subdistrict", "organization", "compound")
        .annotate(
            pending_appeal=Exists(pending),
            pending_filed_at=Subquery(pending.values("filed_at")[:1]),
        )
        .filter(pending_appeal=True, cycle__status=S.PUBLISHED)
    )


def _result_title(result: EvaluationResult) -> str:
    where = result.compound.name if result.compound else _("overall")
    return f"{_cycle_title(result.cycle)} · {result.organization.name} · {where}"


declare_kind(
    ObjectKind(
        name="evaluation_result",
        model=EvaluationResult,
        label=pgettext_lazy("kind", "evaluation result"),
        load=_load_result,
        page_url=lambda r: reverse("evaluation-detail", args=[r.cycle_id]),
        audience=lambda r: Audience(
            topics=(topic("evaluation", r.cycle_id, "public"),),
            organizations=(r.organization_id, *_offices(r.cycle)),
        ),
        task_candidates=_result_candidates,
        title=_result_title,
    )
)


def _offices(cycle: EvaluationCycle) -> list[int]:
    return list(
        Organization.objects.filter(
            subdistrict_id=cycle.subdistrict_id, kind=Organization.Kind.SUBDISTRICT_OFFICE
        ).values_list("pk", flat=True)
    )


def _appeal(result: EvaluationResult, user: Any, data: dict[str, Any]) -> Outcome:
    appeals.file_appeal(
        result=result, by=user, reasons=data["reasons"], attachment=data.get("attachment")
    )
    return Outcome(
        _("Your appeal against the result of %(org)s is filed; the subdistrict decides it.")
        % {"org": result.organization.name}
    )


declare(
    Action(
        kind="evaluation_result",
        name="appeal",
        rule="evaluation.appeal",
        label=pgettext_lazy("evaluation action", "Appeal"),
        help=gettext_lazy("Say why the result is wrong and attach what shows it."),
        run=_appeal,
        when=lambda r: appeals.appeals_open(r) and not r.pending_appeal,
        form=AppealForm,
    )
)


def _decide(result: EvaluationResult, user: Any, data: dict[str, Any]) -> Outcome:
    appeal = Appeal.objects.get(result=result, status=Appeal.Status.PENDING)
    upheld = data["outcome"] == "upheld"
    appeals.decide_appeal(
        appeal=appeal,
        by=user,
        upheld=upheld,
        decision=data["decision"],
        corrected_score=data.get("corrected_score"),
    )
    if upheld:
        message = _("The appeal is upheld; the corrected list is republished.")
    else:
        message = _("The appeal is rejected; the decision is recorded with its reasons.")
    return Outcome(message)


def _decision_due(result: EvaluationResult) -> datetime | None:
    filed = getattr(result, "pending_filed_at", None)
    if filed is None:
        return None
    return add_working_days(filed, method_days(result.cycle.method, "decision_working_days", 15))


declare(
    Action(
        kind="evaluation_result",
        name="decide_appeal",
        rule="evaluation.decide_appeal",
        label=pgettext_lazy("evaluation action", "Decide the appeal"),
        run=_decide,
        when=lambda r: r.cycle.status == S.PUBLISHED and bool(r.pending_appeal),
        form=DecideAppealForm,
        weight=Weight.PRIMARY,
        task=True,
        due=_decision_due,
        prefix="decide",
    )
)
