"""The community checks the work; the reporter (or the committee's 回访) confirms and rates."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.models import (
    Issue,
    IssueActivity,
    WorkOrder,
    WorkOrderNote,
)
from deliberation.selectors.evaluations import current_listing
from deliberation.stored_messages import Message, message

from .. import issues as issue_services
from .push import push_rating, push_work_order
from .steps import (
    add_note,
    copy_state,
    field_error,
    lock_order,
    mirror_on_issue,
    refresh_overdue,
    require_status,
)

W = WorkOrder.Status
IS = Issue.Status


# --- the community and the reporter ----------------------------------------------------------


@transaction.atomic
def verify_work_order(
    *, work_order: WorkOrder, actor: Any, approved: bool, note: str = ""
) -> WorkOrder:
    """The community checks the work: approved → the reporter confirms; not approved →
    back to the party (in progress)."""
    order = lock_order(work_order)
    policy.require(actor, "work_order.verify", order)
    require_status(order, (W.COMPLETED,))
    now = timezone.now()
    if approved and not note.strip() and current_listing(order.responsible_id) == "black":
        # 激励约束 (docs/law.md §9): a black-listed firm's work is approved on a written
        # record of what the community checked on site, not on a bare "yes".
        raise field_error(
            "note",
            _(
                "This firm is on the community evaluation black list: write down what you "
                "checked on site before approving."
            ),
        )
    if approved:
        order.status = W.VERIFIED
        order.verified_at = now
        fields = ["status", "verified_at", "updated_at"]
        public: str | Message = note or message(
            gettext_noop("The community checked the work on site.")
        )
        status = IS.RESOLVED
    else:
        if not note.strip():
            raise field_error("note", _("Say what is still missing."))
        order.status = W.IN_PROGRESS
        order.completed_at = None
        fields = ["status", "completed_at", "updated_at"]
        public = message(gettext_noop("The community found it not finished: %(note)s"), note=note)
        status = IS.IN_PROGRESS
    fields += refresh_overdue(order, now)
    order.save(update_fields=fields)
    org = order.compound.community.residents_committee
    kind = WorkOrderNote.Kind.VERIFICATION
    add_note(order, kind=kind, text=public, actor=actor, organization=org)
    if approved:
        push_rating(order, actor=actor)
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.VERIFIED if approved else IssueActivity.Kind.REOPENED,
        status=status,
        public_text=public,
        actor=actor,
        organization=org,
    )
    push_work_order(order, actor=actor, committee=True)
    copy_state(order, work_order)
    return order


@transaction.atomic
def confirm_work_order(
    *,
    work_order: WorkOrder,
    actor: Any,
    fixed: bool,
    rating: str,
    comment: str = "",
    for_reporter: bool = False,
) -> WorkOrder:
    """The reporter confirms and rates (满意 / 基本满意 / 不满意). Not fixed or dissatisfied
    reopens the order with the same party; otherwise it closes and the issue closes as
    fixed. ``for_reporter``: staff enter the reporter's answer, given in person or by phone
    (``residents.assist``; the timeline says who entered it for whom, docs/law.md §13)."""
    if rating not in Issue.Rating.values:
        raise field_error("rating", _("Choose a rating."))
    order = lock_order(work_order)
    if for_reporter:
        policy.require(actor, "residents.assist", order.compound_id)
    else:
        policy.require(actor, "work_order.confirm", order)
    require_status(order, (W.VERIFIED,))
    now = timezone.now()
    reopen = (not fixed) or rating == Issue.Rating.DISSATISFIED
    order.rating = rating
    if reopen:
        order.status = W.REOPENED
        order.reopen_count += 1
        order.verified_at = None
        order.completed_at = None
        fields = ["status", "rating", "reopen_count", "verified_at", "completed_at", "updated_at"]
        fields += refresh_overdue(order, now)
    else:
        order.status = W.CLOSED
        order.closed_at = now
        fields = ["status", "rating", "closed_at", "updated_at"]
    order.save(update_fields=fields)
    if order.issue_id is not None:
        issue = issue_services.lock_issue(order.issue_id)
        issue.rating = rating
        issue.rating_comment = comment[:500]
        issue.rated_at = now
        update = ["rating", "rating_comment", "rated_at"]
        if reopen:
            issue.reopen_count += 1
            update.append("reopen_count")
        issue.save(update_fields=update)
        order.issue = issue
    push_rating(order, actor=actor, thanks=True)
    if reopen:
        add_note(
            order,
            kind=WorkOrderNote.Kind.REOPENED,
            text=comment or message("%(rating)s", rating=Issue.Rating(rating)),
            actor=actor,
            organization=None,
        )
        mirror_on_issue(
            order,
            kind=IssueActivity.Kind.REOPENED,
            status=IS.IN_PROGRESS,
            public_text=message(
                gettext_noop("Rated “%(rating)s”: reopened for %(org)s.")
                if fixed
                else gettext_noop("Reported not fixed (“%(rating)s”): reopened for %(org)s."),
                rating=Issue.Rating(rating),
                org=order.responsible.name,
            ),
            reporter_comment=comment,
            actor=actor,
        )
    else:
        mirror_on_issue(
            order,
            kind=IssueActivity.Kind.RATED,
            status=IS.CLOSED,
            closure_reason=Issue.ClosureReason.FIXED,
            public_text=message(
                gettext_noop("Confirmed fixed and rated “%(rating)s”."), rating=Issue.Rating(rating)
            ),
            reporter_comment=comment,
            actor=actor,
        )
    if for_reporter:
        _record_assistance(order, actor)
    push_work_order(order, actor=actor)
    copy_state(order, work_order)
    return order


def _record_assistance(order: WorkOrder, actor: Any) -> None:
    """ "Entered by X for Y" on the issue's timeline: the organization for everyone who sees
    the issue, the two people's names for the parties only."""
    issue = order.issue
    if issue is None:
        return
    committee = order.compound.community.residents_committee
    reporter = issue.reporter
    issue_services.record_issue_activity(
        issue=issue,
        kind=IssueActivity.Kind.NOTE,
        public_text=message(
            gettext_noop(
                "Entered by %(org)s for the reporter, who answered in person or by phone."
            ),
            org=committee.name if committee else "",
        ),
        staff_note=message(
            gettext_noop("Entered by %(staff)s for %(resident)s."),
            staff=str(actor),
            resident=str(reporter) if reporter else "",
        ),
        actor=actor,
        organization=committee,
    )
