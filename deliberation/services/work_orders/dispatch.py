"""Dispatching an order: the SLA clocks and the one entry point other areas call."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.live.refresh import refresh_tasks
from deliberation.models import (
    DEFAULT_SLA,
    Compound,
    Issue,
    IssueActivity,
    IssueCategory,
    Organization,
    SlaPolicy,
    Urgency,
    WorkOrder,
)
from deliberation.stored_messages import message

from .. import issues as issue_services
from .push import push_work_order
from .steps import field_error

W = WorkOrder.Status
IS = Issue.Status


#: Sent inside the dispatching transaction: ``work_order`` (the workflows app starts the
#: work-order flow from it; the domain knows no process engine).
work_order_dispatched = Signal()


# --- deadlines -------------------------------------------------------------------------------


def sla_deadlines(
    *, category: IssueCategory | None, urgency: str, start: datetime | None = None
) -> tuple[datetime, datetime]:
    """Respond-by and resolve-by from the SLA policy (category's own, then the general one
    for the urgency, then docs/law.md §6 defaults)."""
    start = start or timezone.now()
    wanted = Q(category__isnull=True) | (Q(category=category) if category else Q(pk__in=[]))
    policies = {p.category_id: p for p in SlaPolicy.objects.filter(wanted, urgency=urgency)}
    chosen = policies.get(category.pk if category else None) or policies.get(None)
    if chosen is not None:
        respond, resolve = chosen.respond_within, chosen.resolve_within
    else:
        respond, resolve = DEFAULT_SLA.get(urgency, DEFAULT_SLA[Urgency.ORDINARY])
    return start + respond, start + resolve


# --- dispatch --------------------------------------------------------------------------------


@transaction.atomic
def dispatch_work_order(
    *,
    actor: Any,
    responsible: Organization,
    title: str,
    description: str,
    compound: Compound,
    respond_by: datetime | None = None,
    resolve_by: datetime | None = None,
    issue: Issue | None = None,
    origin: Any = None,
    co_operating: Iterable[Organization] = (),
    acceptance_criteria: str = "",
    category: IssueCategory | None = None,
    urgency: str = Urgency.ORDINARY,
    staff_note: str = "",
) -> WorkOrder:
    """Create a work order for ``responsible`` and start its clock (see module docstring)."""
    if actor is not None:
        policy.require(actor, "work_order.dispatch", compound)
    if not title.strip():
        raise field_error("title", _("A work order needs a title."))
    default_respond, default_resolve = sla_deadlines(category=category, urgency=urgency)
    respond_by = respond_by or default_respond
    resolve_by = resolve_by or default_resolve
    if resolve_by < respond_by:
        raise InvalidInput(_("The resolve-by time must not be before the respond-by time."))
    order = WorkOrder.objects.create(
        responsible=responsible,
        title=title[:200],
        description=description,
        acceptance_criteria=acceptance_criteria,
        compound=compound,
        issue=issue,
        origin_type=ContentType.objects.get_for_model(origin) if origin is not None else None,
        origin_id=origin.pk if origin is not None else None,
        category=category,
        urgency=urgency,
        dispatched_by=actor,
        respond_by=respond_by,
        resolve_by=resolve_by,
    )
    others = [o for o in co_operating if o.pk != responsible.pk]
    if others:
        order.co_operating.set(others)
    if issue is not None:
        locked = issue_services.lock_issue(issue)
        locked.responsible = responsible
        locked.save(update_fields=["responsible"])
        from_session = locked.status in (IS.AWAITING_SESSION, IS.ON_AGENDA)
        issue_services.move_issue(
            issue=locked,
            status=IS.RESOLUTION_ASSIGNED if from_session else IS.DISPATCHED,
            kind=IssueActivity.Kind.RESOLUTION if from_session else IssueActivity.Kind.DISPATCHED,
            actor=actor,
            public_text=message(
                gettext_noop("Assigned to %(org)s; response due %(due)s."),
                org=responsible.name,
                due=respond_by,
            ),
            staff_note=staff_note,
            link=order,
        )
        # move_issue left ``locked`` as stored; the caller's copy follows it (no re-read)
        issue_services.copy_issue_state(locked, issue)
    push_work_order(order, actor=actor)
    # the parties' task lists gain "accept" (dispatching is a step on the issue, the
    # session or the vote, whose audience does not know the new order's parties)
    refresh_tasks(organizations=[responsible.pk, *(o.pk for o in others)], actor=actor)
    work_order_dispatched.send(sender=WorkOrder, work_order=order)
    return order
