"""More time: the party asks with a reason, the committee decides."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.live.refresh import refresh_controls
from deliberation.live.topics import topic
from deliberation.models import (
    ExtensionRequest,
    Issue,
    IssueActivity,
    WorkOrder,
)
from deliberation.stored_messages import message

from ..conflicts import Conflict
from .push import push_work_order
from .steps import (
    copy_state,
    field_error,
    lock_order,
    mirror_on_issue,
    refresh_overdue,
    require_status,
)

W = WorkOrder.Status
IS = Issue.Status


@transaction.atomic
def request_extension(
    *, work_order: WorkOrder, actor: Any, reason: str, new_resolve_by: datetime
) -> ExtensionRequest:
    """More time needs a reason and the committee's approval (``decide_extension``)."""
    if not reason.strip():
        raise field_error("reason", _("Say why more time is needed."))
    order = lock_order(work_order)
    policy.require(actor, "work_order.respond", order)
    require_status(order, (W.DISPATCHED, *WorkOrder.WORKING_STATUSES))
    if new_resolve_by <= order.resolve_by:
        raise InvalidInput(
            _("The new deadline must be later than the current one."),
            fields={"new_resolve_by": [_("The new deadline must be later than the current one.")]},
        )
    if order.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for the committee."))
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                work_order=order, requested_by=actor, reason=reason, new_resolve_by=new_resolve_by
            )
    except IntegrityError as exc:  # a concurrent request won
        raise Conflict(_("An extension request is already waiting for the committee.")) from exc
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.EXTENSION_REQUESTED,
        public_text=message(
            gettext_noop("%(org)s asked for more time."), org=order.responsible.name
        ),
        staff_note=reason,
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor, committee=True)
    return extension


@transaction.atomic
def decide_extension(
    *, extension: ExtensionRequest, actor: Any, approve: bool, note: str = ""
) -> ExtensionRequest:
    order = lock_order(extension.work_order_id)
    policy.require(actor, "work_order.decide_extension", order)
    ext = ExtensionRequest.objects.select_for_update().get(pk=extension.pk)
    if ext.status != ExtensionRequest.Status.PENDING:
        raise Conflict(_("This extension request was already decided."))
    now = timezone.now()
    ext.status = ExtensionRequest.Status.APPROVED if approve else ExtensionRequest.Status.REFUSED
    ext.decided_by = actor
    ext.decided_at = now
    ext.decision_note = note
    ext.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if approve:
        order.resolve_by = ext.new_resolve_by
        order.save(update_fields=["resolve_by", "updated_at", *refresh_overdue(order, now)])
        public = message(
            gettext_noop("More time granted: now due %(due)s."), due=ext.new_resolve_by
        )
    else:
        public = message(
            gettext_noop("Request for more time refused; the original deadline stands.")
        )
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.EXTENSION_DECIDED,
        public_text=public,
        staff_note=note,
        actor=actor,
    )
    push_work_order(order, actor=actor, committee=True)
    # the order's own controls change too (the party may ask for more time again)
    refresh_controls(
        kind="work_order", pk=order.pk, topics=[topic("work_order", order.pk, "staff")], actor=actor
    )
    copy_state(ext, extension)
    return extension
