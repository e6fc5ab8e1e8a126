"""The responsible party: accept, send back, report progress, complete."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.live.outbox import batched
from deliberation.models import (
    Issue,
    IssueActivity,
    WorkOrder,
    WorkOrderNote,
)
from deliberation.stored_messages import message

from .. import issues as issue_services
from ..stored_files import files_removed_on_rollback
from .push import push_work_order
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


# --- the responsible party -------------------------------------------------------------------


@transaction.atomic
def accept_work_order(*, work_order: WorkOrder, actor: Any, note: str = "") -> WorkOrder:
    order = lock_order(work_order)
    policy.require(actor, "work_order.respond", order)
    require_status(order, (W.DISPATCHED,))
    now = timezone.now()
    order.status = W.IN_PROGRESS
    order.accepted_at = now
    fields = ["status", "accepted_at", "updated_at", *refresh_overdue(order, now)]
    order.save(update_fields=fields)
    if note:
        add_note(
            order,
            kind=WorkOrderNote.Kind.NOTE,
            text=note,
            actor=actor,
            organization=order.responsible,
        )
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.ACCEPTED,
        status=IS.IN_PROGRESS,
        public_text=message(
            gettext_noop("%(org)s accepted and is working on it."), org=order.responsible.name
        ),
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor)
    copy_state(order, work_order)
    return order


@transaction.atomic
def send_back_work_order(*, work_order: WorkOrder, actor: Any, reason: str) -> WorkOrder:
    """Not ours / cannot do it: back to the committee's triage with a reason."""
    if not reason.strip():
        raise field_error("reason", _("Say why the order goes back."))
    order = lock_order(work_order)
    policy.require(actor, "work_order.respond", order)
    require_status(order, (W.DISPATCHED,))
    order.status = W.SENT_BACK
    order.sent_back_reason = reason
    order.is_overdue = False
    order.closed_at = timezone.now()
    order.save(
        update_fields=["status", "sent_back_reason", "is_overdue", "closed_at", "updated_at"]
    )
    add_note(
        order,
        kind=WorkOrderNote.Kind.SENT_BACK,
        text=reason,
        actor=actor,
        organization=order.responsible,
    )
    if order.issue_id is not None:
        issue = issue_services.lock_issue(order.issue_id)
        issue.responsible = None
        issue.save(update_fields=["responsible"])
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.SENT_BACK,
        status=IS.NEW,
        public_text=message(
            gettext_noop("%(org)s sent it back; the residents' committee will route it again."),
            org=order.responsible.name,
        ),
        staff_note=reason,
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor)
    copy_state(order, work_order)
    return order


@files_removed_on_rollback()
@batched()  # its live fragments in one INSERT
def add_progress(
    *,
    work_order: WorkOrder,
    actor: Any,
    text: str,
    photos: Sequence[tuple[UploadedFile, str]] = (),
    public: bool = True,
) -> WorkOrderNote:
    if not text.strip():
        raise field_error("text", _("Describe the progress."))
    order = lock_order(work_order)
    policy.require(actor, "work_order.respond", order)
    require_status(order, WorkOrder.WORKING_STATUSES)
    moved = order.status == W.ACCEPTED
    if moved:
        order.status = W.IN_PROGRESS
        order.save(update_fields=["status", "updated_at"])
    note = add_note(
        order,
        kind=WorkOrderNote.Kind.PROGRESS,
        text=text,
        actor=actor,
        organization=order.responsible,
        photos=photos,
    )
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.PROGRESS,
        public_text=text if public else message(gettext_noop("Work is in progress.")),
        staff_note="" if public else text,
        actor=actor,
        organization=order.responsible,
    )
    # The inbox and overdue rows show the status and the deadlines, never the notes: a note
    # that leaves the status as it was changes nothing there, so only the order's page is
    # re-rendered (the inbox was most of a note's cost, a whole page of rows per language).
    push_work_order(order, actor=actor, inbox=moved)
    return note


@files_removed_on_rollback()
def complete_work_order(
    *,
    work_order: WorkOrder,
    actor: Any,
    text: str,
    photos: Sequence[tuple[UploadedFile, str]] = (),
) -> WorkOrder:
    """Done, with evidence (text and photos); the community verifies next."""
    if not text.strip():
        raise field_error("text", _("Describe what was done."))
    order = lock_order(work_order)
    policy.require(actor, "work_order.respond", order)
    require_status(order, WorkOrder.WORKING_STATUSES)
    now = timezone.now()
    order.status = W.COMPLETED
    order.completed_at = now
    order.save(update_fields=["status", "completed_at", "updated_at", *refresh_overdue(order, now)])
    add_note(
        order,
        kind=WorkOrderNote.Kind.COMPLETION,
        text=text,
        actor=actor,
        organization=order.responsible,
        photos=photos,
    )
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.COMPLETED,
        public_text=message(
            gettext_noop("%(org)s reports it done: %(text)s"), org=order.responsible.name, text=text
        ),
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor, committee=True)
    copy_state(order, work_order)
    return order
