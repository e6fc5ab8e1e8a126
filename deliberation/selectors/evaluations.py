"""Reads for the evaluation cycle's pages: its status panel and progress (survey answers
per compound, scores received and missing), the published list with its corrections, and
what a person is asked to do in it. Fixed query counts whatever the number of rows."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from deliberation import policy
from deliberation.models import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    Organization,
    PartyScore,
    SurveyResponse,
    Unit,
)
from deliberation.policy.principal import PROVIDER_KINDS

Scorer = PartyScore.Scorer


def household_key(cycle: EvaluationCycle, unit: Unit) -> str:
    """A keyed hash of the cycle and the unit: one answer per household, and no way back
    from the stored answer to the household without the server's secret."""
    message = f"evaluation-survey:{cycle.pk}:{unit.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass
class ProgressRow:
    result: EvaluationResult
    answers: int = 0
    scored: set[str] = field(default_factory=set)

    @property
    def share(self) -> int:
        households = self.result.households
        return round(100 * self.answers / households) if households else 0

    @property
    def marks(self) -> dict[str, bool]:
        """Whether each party's score arrived, by scorer role (for the template)."""
        return {role: role in self.scored for role in PartyScore.Scorer.values}


def results_of(cycle: EvaluationCycle) -> QuerySet[EvaluationResult]:
    return (
        EvaluationResult.objects.filter(cycle=cycle)
        .select_related("organization", "compound__community")
        .annotate(
            pending_appeal=Exists(
                Appeal.objects.filter(result=OuterRef("pk"), status=Appeal.Status.PENDING)
            )
        )
        .order_by("organization__name", "compound__name")
    )


def progress(cycle: EvaluationCycle) -> list[ProgressRow]:
    """Each evaluated organization, overall then per compound: survey answers and the
    parties whose scores arrived. Three queries."""
    rows = {(r.organization_id, r.compound_id): ProgressRow(r) for r in results_of(cycle)}
    answers = (
        SurveyResponse.objects.filter(cycle=cycle)
        .values("organization_id", "compound_id")
        .annotate(n=Count("pk"))
    )
    for item in answers:
        row = rows.get((item["organization_id"], item["compound_id"]))
        if row is not None:
            row.answers = item["n"]
    scores = PartyScore.objects.filter(cycle=cycle).values_list(
        "organization_id", "compound_id", "scorer_role"
    )
    for org, compound, role in scores:
        row = rows.get((org, compound))
        if row is not None:
            row.scored.add(role)
    return list(rows.values())


def cycle_page_context(cycle: EvaluationCycle) -> dict[str, Any]:
    """The status panel (live-pushed) and its counts."""
    return {
        "cycle": cycle,
        "survey_answers": SurveyResponse.objects.filter(cycle=cycle).count(),
        "scores_received": PartyScore.objects.filter(cycle=cycle).count(),
        "pending_appeals": Appeal.objects.filter(
            result__cycle=cycle, status=Appeal.Status.PENDING
        ).count(),
    }


def corrections(cycle: EvaluationCycle) -> list[Appeal]:
    """Decided appeals that changed the list: the before and after, and the reason."""
    return list(
        Appeal.objects.filter(result__cycle=cycle, status=Appeal.Status.UPHELD)
        .select_related("result__organization", "result__compound")
        .order_by("decided_at", "pk")
    )


def appeals_of(cycle: EvaluationCycle) -> list[Appeal]:
    return list(
        Appeal.objects.filter(result__cycle=cycle)
        .select_related("result__organization", "result__compound")
        .order_by("-filed_at", "-pk")
    )


def scoring_targets(cycle: EvaluationCycle, user: Any) -> list[dict[str, Any]]:
    """What ``user`` may score in ``cycle``: (scorer, organization, compound) with the score
    already entered, if any. The committees: their community's compounds; a department:
    every organization overall; a firm: itself overall."""
    kinds = Organization.Kind
    orgs = list(
        Organization.objects.filter(
            memberships__user=user,
            memberships__active=True,
            kind__in=[
                kinds.PARTY_COMMITTEE,
                kinds.RESIDENTS_COMMITTEE,
                kinds.SUBDISTRICT_OFFICE,
                kinds.PROPERTY_FIRM,
                kinds.PROPERTY_RIGHTS_UNIT,
            ],
        ).distinct()
    )
    if not orgs:
        return []
    results = list(results_of(cycle))
    entered = {
        (s.scorer_id, s.organization_id, s.compound_id): s
        for s in PartyScore.objects.filter(cycle=cycle, scorer__in=orgs)
    }
    targets = []
    for scorer in orgs:
        for result in results:
            subject = (cycle, scorer, result.organization, result.compound)
            if scorer.kind in (kinds.PARTY_COMMITTEE, kinds.RESIDENTS_COMMITTEE):
                if result.compound is None:
                    continue
            elif result.compound is not None:
                continue
            if policy.can(user, "evaluation.score", subject):
                targets.append(
                    {
                        "scorer": scorer,
                        "result": result,
                        "score": entered.get(
                            (scorer.pk, result.organization_id, result.compound_id)
                        ),
                    }
                )
    return targets


def latest_published(subdistrict_id: int | None = None) -> EvaluationCycle | None:
    cycles = EvaluationCycle.objects.filter(
        status__in=[EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED]
    )
    if subdistrict_id is not None:
        cycles = cycles.filter(subdistrict_id=subdistrict_id)
    return cycles.order_by("-year", "-half").first()


def _scorer_targets(p: Any) -> tuple[Q, Q]:
    """(what the person's organizations score, what they have not scored yet), as filters
    on ``EvaluationResult`` inside a cycle subquery (docs/law.md §9; policy ``evaluation.
    score``): committees their community's compounds, departments every organization
    overall, a provider itself overall."""
    kinds = Organization.Kind
    targets, unscored = Q(pk__in=[]), Q(pk__in=[])
    for org, kind in p.org_kinds.items():
        if kind in (kinds.PARTY_COMMITTEE, kinds.RESIDENTS_COMMITTEE):
            served = [c for c, orgs in p.served_compounds.items() if org in orgs]
            target = Q(compound_id__in=served)
            scored = PartyScore.objects.filter(
                cycle=OuterRef("cycle"),
                organization=OuterRef("organization"),
                compound=OuterRef("compound"),
                scorer_id=org,
            )
        elif kind == kinds.SUBDISTRICT_OFFICE or (kind in PROVIDER_KINDS):
            target = Q(compound__isnull=True)
            if kind in PROVIDER_KINDS:
                target &= Q(organization_id=org)
            scored = PartyScore.objects.filter(
                cycle=OuterRef("cycle"),
                organization=OuterRef("organization"),
                compound__isnull=True,
                scorer_id=org,
            )
        else:
            continue
        targets |= target
        unscored |= target & ~Q(Exists(scored))
    return targets, unscored


def score_state(cycle: EvaluationCycle, p: Any) -> tuple[bool, bool]:
    """(has the person's organizations something to score in ``cycle``, is some of it
    still unscored), in one query."""
    results = EvaluationResult.objects.filter(cycle=OuterRef("pk"))
    targets, unscored = _scorer_targets(p)
    row = (
        EvaluationCycle.objects.filter(pk=cycle.pk)
        .annotate(
            has_targets=Exists(results.filter(targets)),
            has_unscored=Exists(results.filter(unscored)),
        )
        .values_list("has_targets", "has_unscored")
        .first()
    )
    return (bool(row[0]), bool(row[1])) if row else (False, False)


def task_cycles(p: Any) -> list[EvaluationCycle]:
    """Cycles open for a step, with what the survey and the scoring tasks ask of this person
    answered for all of them at once (two queries however many cycles): the homes that have
    not answered, whether their organizations have something to score, and still unscored."""
    results = EvaluationResult.objects.filter(cycle=OuterRef("pk"))
    targets, unscored = _scorer_targets(p)
    cycles: list[EvaluationCycle] = list(
        EvaluationCycle.objects.select_related("subdistrict")
        .filter(status__in=[EvaluationCycle.Status.SCORING, EvaluationCycle.Status.REVIEW])
        .annotate(
            has_targets=Exists(results.filter(targets)),
            has_unscored=Exists(results.filter(unscored)),
        )
    )
    homes: dict[int, int] = {}
    if p.home_units and cycles:
        homes = dict(
            Unit.objects.filter(
                pk__in=list(p.home_units), building__compound__property_provider__isnull=False
            ).values_list("pk", "building__compound__community__subdistrict_id")
        )
    keys = {
        household_key(cycle, Unit(pk=unit)): (cycle.pk, unit)
        for cycle in cycles
        for unit, subdistrict in homes.items()
        if subdistrict == cycle.subdistrict_id
    }
    answered: set[tuple[int, int]] = set()
    if keys:
        found = SurveyResponse.objects.filter(household_key__in=list(keys))
        answered = {keys[k] for k in found.values_list("household_key", flat=True)}
    for cycle in cycles:
        cycle.loaded_for = p.user_id  # type: ignore[attr-defined]
        cycle.homes_left = [  # type: ignore[attr-defined]
            u
            for u, s in homes.items()
            if s == cycle.subdistrict_id and (cycle.pk, u) not in answered
        ]
    return cycles


def latest_listing(organization: Any) -> QuerySet[EvaluationResult]:
    """The organization's overall listing ("red", "black" or "") in the latest published
    cycle, as a one-row subquery (``organization`` an ``OuterRef`` or an id)."""
    return EvaluationResult.objects.filter(
        organization=organization,
        compound__isnull=True,
        cycle__status__in=[EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED],
    ).order_by("-cycle__year", "-cycle__half")


def current_listing(organization_id: int | None) -> str:
    """What the latest published community evaluation list says of the organization."""
    if organization_id is None:
        return ""
    found = latest_listing(organization_id).values_list("listing", flat=True).first()
    return found or ""
