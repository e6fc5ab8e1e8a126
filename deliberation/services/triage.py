"""Triage: the committee sets an issue's category and routes it — to a party as a work order,
to a consultation session, closed with a reason, or as a duplicate of another issue.

Kept apart from ``services.issues`` (reporting and the timeline) so that issues do not
import work orders: work orders mirror their steps on the issue (``services.issues``), and
only dispatching here needs both. Pages route an issue with
``workflows.intake.triage(issue, decision, actor=…, …)``, whose flow node calls these, so the
intake flow stays in step; ``set_category`` is called directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.models import (
    Compound,
    Issue,
    IssueActivity,
    IssueCategory,
    Organization,
    WorkOrder,
)
from deliberation.stored_messages import message

from .issues import (
    copy_issue_state,
    lock_issue,
    move_issue,
    push_triage_queue,
    record_issue_activity,
)
from .work_orders import dispatch_work_order

S = Issue.Status


def _require_triage(actor: Any, issue: Issue) -> None:
    policy.require(actor, "issue.triage", issue)


def _require_status(issue: Issue, allowed: Iterable[str]) -> None:
    if issue.status not in allowed:
        raise Conflict(
            _("This issue is now “%(status)s”; the page was out of date.")
            % {"status": issue.get_status_display()}
        )


@transaction.atomic
def set_category(
    *,
    issue: Issue,
    actor: Any,
    category: IssueCategory,
    urgency: str | None = None,
    compound: Compound | None = None,
) -> Issue:
    """Set or correct the category (and urgency) during triage; an issue reported without
    a compound (free text, hotline) can be placed in one here, by someone who may triage
    for that compound too."""
    locked = lock_issue(issue)
    _require_triage(actor, locked)
    _require_status(locked, Issue.OPEN_STATUSES)
    old = locked.category
    old_compound = locked.compound
    locked.category = category
    if urgency:
        locked.urgency = urgency
    fields = ["category", "urgency", "updated_at"]
    if compound is not None and compound.pk != locked.compound_id:
        if locked.status != S.NEW:
            raise Conflict(_("The place can only change while the issue waits for triage."))
        policy.require(actor, "issue.enter", compound)
        locked.compound, locked.building, locked.unit = compound, None, None
        fields += ["compound", "building", "unit"]
    locked.save(update_fields=fields)
    record_issue_activity(
        issue=locked,
        kind=IssueActivity.Kind.CATEGORY_CHANGED,
        public_text=message(gettext_noop("Category: %(category)s."), category=category.name),
        staff_note=message(gettext_noop("Was: %(old)s."), old=old.name if old else "—"),
        actor=actor,
    )
    push_triage_queue(locked.compound, actor=actor)
    if old_compound != locked.compound:
        push_triage_queue(old_compound, actor=actor)
    copy_issue_state(locked, issue)
    return issue


@transaction.atomic
def mark_duplicate(*, issue: Issue, actor: Any, duplicate_of: Issue, note: str = "") -> Issue:
    """Close as a duplicate of another issue (its own reason, so rates stay honest)."""
    if duplicate_of.pk == issue.pk:
        raise InvalidInput(
            _("An issue cannot be a duplicate of itself."),
            fields={"duplicate_of": [_("Choose another existing issue about the same place.")]},
        )
    locked = lock_issue(issue)
    _require_triage(actor, locked)
    _require_status(locked, (S.NEW,))
    locked.duplicate_of = duplicate_of
    locked.save(update_fields=["duplicate_of"])
    return move_issue(
        issue=issue,
        status=S.CLOSED,
        closure_reason=Issue.ClosureReason.DUPLICATE,
        kind=IssueActivity.Kind.DUPLICATE,
        actor=actor,
        public_text=message(
            gettext_noop("Same as issue #%(other)s, which is followed there."),
            other=duplicate_of.pk,
        ),
        staff_note=note,
        link=duplicate_of,
    )


@transaction.atomic
def close_issue(
    *, issue: Issue, actor: Any, reason: str, public_text: str, staff_note: str = ""
) -> Issue:
    """Close with a distinct reason (triage, or later by the committee)."""
    if reason not in Issue.ClosureReason.values:
        raise InvalidInput(
            _("Choose a closure reason from the list."),
            fields={"reason": [_("Choose a closure reason from the list.")]},
        )
    locked = lock_issue(issue)
    _require_triage(actor, locked)
    _require_status(locked, Issue.OPEN_STATUSES)
    return move_issue(
        issue=issue,
        status=S.CLOSED,
        closure_reason=reason,
        actor=actor,
        public_text=public_text,
        staff_note=staff_note,
    )


@transaction.atomic
def send_to_session(
    *, issue: Issue, actor: Any, public_text: str = "", staff_note: str = ""
) -> Issue:
    """Route to deliberation: the issue waits for a consultation session's agenda."""
    locked = lock_issue(issue)
    _require_triage(actor, locked)
    _require_status(locked, (S.NEW,))
    return move_issue(
        issue=issue,
        status=S.AWAITING_SESSION,
        actor=actor,
        public_text=public_text
        or message(gettext_noop("To be discussed at a consultation session.")),
        staff_note=staff_note,
    )


@transaction.atomic
def dispatch_issue(
    *,
    issue: Issue,
    actor: Any,
    responsible: Organization,
    title: str = "",
    acceptance_criteria: str = "",
    co_operating: Iterable[Organization] = (),
    staff_note: str = "",
) -> WorkOrder:
    """Route a new issue as a work order to the responsible party (SLA from its category
    and urgency)."""
    locked = lock_issue(issue)
    _require_triage(actor, locked)
    _require_status(locked, (S.NEW,))
    if locked.compound is None:
        raise Conflict(_("Set the compound before dispatching."))
    order = dispatch_work_order(
        actor=actor,
        responsible=responsible,
        title=title or locked.description[:60],
        description=locked.description,
        compound=locked.compound,
        issue=locked,
        co_operating=co_operating,
        acceptance_criteria=acceptance_criteria,
        category=locked.category,
        urgency=locked.urgency,
        staff_note=staff_note,
    )
    copy_issue_state(locked, issue)  # ``locked`` holds the state as stored (see below)
    return order
