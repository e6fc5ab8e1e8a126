"""What every step of an evaluation cycle shares: the status signal, the row lock, the
live panel and the method's parts the steps read (docs/law.md §9).

Status changes send ``cycle_changed`` so the viewflow process (``workflows.evaluations``)
follows without the domain knowing the engine.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from deliberation.errors import Conflict, InvalidInput
from deliberation.live.outbox import record_event
from deliberation.live.refresh import refresh_controls, refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import EvaluationCycle, Organization
from deliberation.selectors.evaluations import cycle_page_context
from deliberation.user_text import clean_text

S = EvaluationCycle.Status

#: Sent (inside the transaction) after every status change: ``sender=EvaluationCycle, cycle=``.
cycle_changed = Signal()

#: The default criteria when a cycle's method names none (docs/law.md §9).
SURVEY_MAX_ANSWER = 5


def locked(cycle: EvaluationCycle) -> EvaluationCycle:
    return (
        EvaluationCycle.objects.select_for_update().select_related("subdistrict").get(pk=cycle.pk)
    )


def require_status(cycle: EvaluationCycle, *allowed: str) -> None:
    if cycle.status not in allowed:
        raise Conflict(
            _("This evaluation is now “%(status)s”; the step is no longer possible.")
            % {"status": cycle.get_status_display()}
        )


def invalid(message: str, field: str = "__all__") -> InvalidInput:
    return InvalidInput(message, fields={field: [message]})


def text(value: Any, *, label: Any, field: str, limit: int, required: bool = False) -> str:
    """User text checked by ``clean_text``; its refusal as ``InvalidInput`` on ``field``."""
    try:
        return clean_text(value, label=label, limit=limit, multiline=True, required=required)
    except ValidationError as exc:
        raise invalid(str(exc.messages[0]), field) from exc


def criteria(method: dict[str, Any], part: str) -> list[dict[str, Any]]:
    """The criteria of ``part`` ("survey" or "party") as ``[{key, name, max}]``.

    Read leniently: the method is the cycle's own copy, written by the opening form."""
    raw = method.get(f"{part}_criteria")
    if raw is None and isinstance(method.get(part), dict):
        raw = method[part].get("criteria")
    found: list[dict[str, Any]] = []
    for item in raw or []:
        if isinstance(item, dict) and item.get("key"):
            found.append(
                {
                    "key": str(item["key"]),
                    "name": str(item.get("name", item["key"])),
                    "max": int(item.get("max") or SURVEY_MAX_ANSWER),
                }
            )
    return found


def method_days(method: dict[str, Any], name: str, default: int) -> int:
    """A period of the method in working days (appeal 10, decision 15: docs/law.md §9)."""
    periods = method.get("periods") if isinstance(method.get("periods"), dict) else method
    value = periods.get(name, method.get(name, default)) if periods else default
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return default


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days (Monday–Friday; public holidays are not known
    to us, so the period may read a little short around them — the page shows the date)."""
    moment = start
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


def cycle_end(cycle: EvaluationCycle) -> date:
    return date(cycle.year, 6, 30) if cycle.half == 1 else date(cycle.year, 12, 31)


def scoring_organizations(cycle: EvaluationCycle) -> list[int]:
    """Who scores in this cycle: the communities' committees, the subdistrict's departments
    and the evaluated organizations (their self-assessment)."""
    community = Organization.objects.filter(
        subdistrict_id=cycle.subdistrict_id,
        kind__in=[Organization.Kind.PARTY_COMMITTEE, Organization.Kind.RESIDENTS_COMMITTEE],
    )
    offices = Organization.objects.filter(
        subdistrict_id=cycle.subdistrict_id, kind=Organization.Kind.SUBDISTRICT_OFFICE
    )
    evaluated = cycle.results.filter(compound__isnull=True).values_list(
        "organization_id", flat=True
    )
    ids = set(community.values_list("pk", flat=True)) | set(offices.values_list("pk", flat=True))
    return sorted(ids | set(evaluated))


def changed(cycle: EvaluationCycle, kind: str, actor: Any = None) -> None:
    """Push the cycle's status panel, refresh its controls and the scorers' task lists,
    and let the flow follow."""
    record_event(
        topic=topic("evaluation", cycle.pk, "public"),
        kind=kind,
        template="evaluations/_status.html",
        context=cycle_page_context(cycle),
        actor=actor,
    )
    refresh_controls(
        kind="evaluation", pk=cycle.pk, topics=[topic("evaluation", cycle.pk, "public")]
    )
    refresh_tasks(organizations=scoring_organizations(cycle), actor=actor)
    cycle_changed.send(sender=EvaluationCycle, cycle=cycle)
