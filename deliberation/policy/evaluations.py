"""Who may open, score, review, publish and appeal in the community evaluation
(docs/law.md §9): the subdistrict office runs the cycle; the communities' Party and
residents' committees score the compounds of their own community, the subdistrict's
departments any organization, the evaluated organization only itself; residents answer the
survey about their own compound; only the evaluated organization appeals its result."""

from __future__ import annotations

from typing import Any

from deliberation.models import Appeal, EvaluationCycle, EvaluationResult

from .principal import PROVIDER_KINDS, Kind, Principal
from .registry import action, topic

PUBLISHED = frozenset({EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED})
#: organization kinds that score (the firm: its self-assessment)
SCORING_KINDS = frozenset(
    {Kind.PARTY_COMMITTEE, Kind.RESIDENTS_COMMITTEE, Kind.SUBDISTRICT_OFFICE} | PROVIDER_KINDS
)


def _office(p: Principal) -> bool:
    return p.is_superuser or bool(p.orgs_of_kind(Kind.SUBDISTRICT_OFFICE))


@action("evaluation.open")
def open_cycle(p: Principal, _subdistrict: Any) -> bool:
    return _office(p)


@action("evaluation.manage")
def manage_cycle(p: Principal, _cycle: Any) -> bool:
    """Close the scoring, publish, decide appeals: the subdistrict office."""
    return _office(p)


@action("evaluation.view")
def view_cycle(p: Principal, _cycle: Any) -> bool:
    """The cycle's working page (progress, method, results under review): every party."""
    return p.is_party_staff


@action("evaluation.view_public")
def view_published(p: Principal, cycle: Any) -> bool:
    """The published list: anyone, without logging in."""
    return isinstance(cycle, EvaluationCycle) and cycle.status in PUBLISHED


@action("evaluation.answer_survey")
def answer_survey(p: Principal, _cycle: Any) -> bool:
    """A household living in the subdistrict (the service checks the unit)."""
    return bool(p.home_units)


@action("evaluation.score")
def score(p: Principal, target: Any) -> bool:
    """``target``: a cycle (may this person score anyone in it?) or ``(cycle, scorer,
    organization, compound)`` (may they enter this score for ``scorer``?)."""
    if not isinstance(target, tuple):
        return any(kind in SCORING_KINDS for kind in p.org_kinds.values())
    _cycle, scorer, organization, compound = target
    if scorer.pk not in p.org_kinds:
        return False
    if scorer.kind in (Kind.PARTY_COMMITTEE, Kind.RESIDENTS_COMMITTEE):
        return compound is not None and compound.community_id == scorer.community_id
    if scorer.kind == Kind.SUBDISTRICT_OFFICE:
        return True
    if scorer.kind in PROVIDER_KINDS:
        return scorer.pk == organization.pk and compound is None
    return False


@action("evaluation.appeal")
def appeal(p: Principal, result: Any) -> bool:
    """The evaluated organization's own staff."""
    return isinstance(result, EvaluationResult) and result.organization_id in p.org_kinds


@action("evaluation.decide_appeal")
def decide_appeal(p: Principal, target: Any) -> bool:
    return isinstance(target, (Appeal, EvaluationResult)) and _office(p)


@topic("evaluation")
def evaluation_topic(p: Principal, cycle_id: int, audience: str) -> bool:
    return audience == "public" and (p.is_party_staff or bool(p.home_units))
