"""Opening, closing the scoring, publishing and closing a half-year evaluation cycle
(docs/law.md §9). Every write is one transaction with its live event; a cycle that moved
on meanwhile is a ``Conflict`` (HTTP 409)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.evaluation_method import validate_method
from deliberation.models import (
    Appeal,
    EvaluationCycle,
    Subdistrict,
    User,
)
from deliberation.periodic import periodic

from .common import S, add_working_days, changed, invalid, locked, method_days, require_status
from .scoring import add_result_rows, compute_results


def _method_errors(method: Any) -> list[str]:
    if not isinstance(method, dict):
        return [_("The method must be a set of named indicators and weights.")]
    return [str(e) for e in validate_method(method)]


@transaction.atomic
def open_cycle(
    *,
    by: User,
    subdistrict: Subdistrict,
    year: int,
    half: int,
    method: dict[str, Any],
    survey_closes_at: datetime,
    scoring_closes_at: datetime,
) -> EvaluationCycle:
    """Open the half-year's cycle with ``method`` copied in, and a result row for every
    provider serving a compound of the subdistrict: one overall, one per compound."""
    policy.require(by, "evaluation.open", subdistrict)
    errors = _method_errors(method)
    if errors:
        raise InvalidInput(errors[0], fields={"method": errors})
    if half not in (1, 2):
        raise invalid(_("Choose the first or the second half of the year."), "half")
    now = timezone.now()
    if survey_closes_at <= now:
        raise invalid(_("The survey must close in the future."), "survey_closes_at")
    if scoring_closes_at < survey_closes_at:
        raise invalid(
            _("Party scores are due on or after the day the survey closes."), "scoring_closes_at"
        )
    if EvaluationCycle.objects.filter(subdistrict=subdistrict, year=year, half=half).exists():
        raise Conflict(
            _("The evaluation of %(year)d H%(half)d is already open.")
            % {
                "year": year,
                "half": half,
            }
        )
    try:
        with transaction.atomic():
            cycle = EvaluationCycle.objects.create(
                subdistrict=subdistrict,
                year=year,
                half=half,
                method=copy.deepcopy(method),
                survey_closes_at=survey_closes_at,
                scoring_closes_at=scoring_closes_at,
                opened_by=by,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("The evaluation of %(year)d H%(half)d is already open.")
            % {"year": year, "half": half}
        ) from exc
    add_result_rows(cycle)
    changed(cycle, "evaluation.opened", by)
    return cycle


@transaction.atomic
def close_scoring(*, cycle: EvaluationCycle, by: User) -> EvaluationCycle:
    """End the survey and the parties' scoring, compute every result and put the list
    under the subdistrict's review."""
    cycle = locked(cycle)
    policy.require(by, "evaluation.manage", cycle)
    require_status(cycle, S.SCORING)
    compute_results(cycle=cycle)
    cycle.status = S.REVIEW
    cycle.reviewed_at = timezone.now()
    cycle.save(update_fields=["status", "reviewed_at"])
    changed(cycle, "evaluation.review", by)
    return cycle


@transaction.atomic
def publish_cycle(*, cycle: EvaluationCycle, by: User) -> EvaluationCycle:
    """Publish the reviewed list on the public pages; the appeal period starts now."""
    cycle = locked(cycle)
    policy.require(by, "evaluation.manage", cycle)
    require_status(cycle, S.REVIEW)
    now = timezone.now()
    cycle.status = S.PUBLISHED
    cycle.published_at = now
    cycle.published_by = by
    cycle.publication = 1
    cycle.appeals_close_at = add_working_days(
        now, method_days(cycle.method, "appeal_working_days", 10)
    )
    cycle.save(
        update_fields=["status", "published_at", "published_by", "publication", "appeals_close_at"]
    )
    changed(cycle, "evaluation.published", by)
    return cycle


def has_pending_appeal(cycle: EvaluationCycle) -> bool:
    return Appeal.objects.filter(result__cycle=cycle, status=Appeal.Status.PENDING).exists()


@transaction.atomic
def close_finished_cycles(*, now: datetime | None = None) -> int:
    """Close every published cycle whose appeal period has passed with no appeal pending.
    Idempotent: a closed cycle is not touched again."""
    now = now or timezone.now()
    due = EvaluationCycle.objects.select_for_update(skip_locked=True).filter(
        status=S.PUBLISHED, appeals_close_at__lt=now
    )
    closed = 0
    for cycle in due:
        if has_pending_appeal(cycle):
            continue
        cycle.status = S.CLOSED
        cycle.save(update_fields=["status"])
        changed(cycle, "evaluation.closed")
        closed += 1
    return closed


@periodic("evaluation_cycles_close")
def _close_finished_cycles() -> int:
    return close_finished_cycles()
