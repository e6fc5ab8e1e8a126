"""What every step on an order shares: locking it, checking its state, and recording the
step on the order's and its issue's history."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from deliberation.errors import InvalidInput
from deliberation.models import (
    Issue,
    Organization,
    WorkOrder,
    WorkOrderEvidence,
    WorkOrderNote,
)
from deliberation.stored_messages import Message

from .. import issues as issue_services
from ..conflicts import Conflict
from ..stored_files import save_file

W = WorkOrder.Status
IS = Issue.Status


# --- helpers ---------------------------------------------------------------------------------


def field_error(field: str, message: str) -> InvalidInput:
    """A refusal shown next to the form field it is about (and in the error summary)."""
    return InvalidInput(message, fields={field: [message]})


def lock_order(order: WorkOrder | int) -> WorkOrder:
    pk = order if isinstance(order, int) else order.pk
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related(
            "responsible",
            "compound__community__residents_committee",  # verify's note, the committee push
            "issue__reporter",
            "issue__category",  # the issue's pushed staff fragment shows them: load them
            "issue__responsible",  # here rather than lazily while rendering it
            "category",
        )
        .get(pk=pk)
    )


def require_status(order: WorkOrder, allowed: Iterable[str]) -> None:
    if order.status not in allowed:
        raise Conflict(
            _("This work order is now “%(status)s”; the page was out of date.")
            % {"status": order.get_status_display()}
        )


def add_note(
    order: WorkOrder,
    *,
    kind: str,
    text: str | Message,
    actor: Any,
    organization: Organization | None,
    photos: Sequence[tuple[UploadedFile, str]] = (),
) -> WorkOrderNote:
    note = WorkOrderNote.objects.create(
        work_order=order,
        kind=kind,
        text=text.in_language(settings.LANGUAGE_CODE) if isinstance(text, Message) else text,
        message=text.as_json() if isinstance(text, Message) else None,
        author=actor if getattr(actor, "pk", None) else None,
        organization=organization,
    )
    for upload, content_type in photos:
        evidence = WorkOrderEvidence(
            work_order=order,
            note=note,
            token=get_random_string(24),
            content_type=content_type,
            size=upload.size or 0,
        )
        save_file(evidence.file, upload.name or "photo", upload)
        evidence.save()
    return note


def mirror_on_issue(
    order: WorkOrder,
    *,
    kind: str,
    public_text: str | Message,
    actor: Any,
    organization: Organization | None = None,
    staff_note: str | Message = "",
    reporter_comment: str = "",
    status: str | None = None,
    closure_reason: str = "",
) -> None:
    """Mirror a step of the order on its issue's timeline (and status)."""
    if order.issue_id is None:
        return
    issue = order.issue
    assert issue is not None
    if status and status != issue.status:
        issue_services.move_issue(
            issue=issue,
            status=status,
            actor=actor,
            public_text=public_text,
            kind=kind,
            staff_note=staff_note,
            reporter_comment=reporter_comment,
            organization=organization,
            link=order,
            closure_reason=closure_reason,
        )
    else:
        issue_services.record_issue_activity(
            issue=issue,
            kind=kind,
            public_text=public_text,
            staff_note=staff_note,
            reporter_comment=reporter_comment,
            actor=actor,
            organization=organization,
            link=order,
        )


def refresh_overdue(order: WorkOrder, now: datetime) -> list[str]:
    """The overdue flag follows the clock that currently runs."""
    if order.status == W.DISPATCHED:
        late = order.respond_by < now
    elif order.status in WorkOrder.WORKING_STATUSES:
        late = order.resolve_by < now
    else:
        late = False
    if late == order.is_overdue:
        return []
    order.is_overdue = late
    order.overdue_at = now if late else None
    return ["is_overdue", "overdue_at"]


def copy_state(source: Any, target: Any) -> None:
    """Leave the caller's instance showing the state the service stored."""
    if source is not target and isinstance(target, type(source)):
        for f in type(source)._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))
