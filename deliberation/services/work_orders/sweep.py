"""The clock: passed deadlines become escalations to the supervision group, which records
its follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.live.refresh import refresh_tasks
from deliberation.models import (
    Escalation,
    Issue,
    IssueActivity,
    Organization,
    WorkOrder,
)
from deliberation.periodic import periodic
from deliberation.selectors.work_orders import (
    supervision_group_for,
)
from deliberation.stored_messages import message

from ..conflicts import Conflict
from .push import push_inbox, push_overdue, push_work_order
from .steps import copy_state, field_error, lock_order, mirror_on_issue, refresh_overdue

W = WorkOrder.Status
IS = Issue.Status


#: Sent when the sweep opens an escalation: ``escalation`` (the workflows app starts the
#: supervision group's follow-up task from it).
escalation_opened = Signal()


# --- the clock -------------------------------------------------------------------------------


def _overdue_candidates(now: datetime) -> list[int]:
    """Orders past a running deadline and not yet escalated for it. While the party has not
    accepted, both clocks run: a passed resolve-by escalates again even if the missed
    respond-by was already followed up."""
    escalated = Escalation.objects.filter(work_order=OuterRef("pk"))
    respond = escalated.filter(reason=Escalation.Reason.RESPOND_BY, deadline=OuterRef("respond_by"))
    resolve = escalated.filter(reason=Escalation.Reason.RESOLVE_BY, deadline=OuterRef("resolve_by"))
    return list(
        WorkOrder.objects.filter(
            (Q(status=W.DISPATCHED, respond_by__lt=now) & ~Exists(respond))
            | (Q(status__in=WorkOrder.ACTIVE_STATUSES, resolve_by__lt=now) & ~Exists(resolve))
        )
        .order_by("id")
        .values_list("pk", flat=True)
    )


def _missed(order: WorkOrder, now: datetime) -> list[tuple[str, datetime]]:
    """Each running deadline the order has passed (respond-by, then resolve-by)."""
    missed: list[tuple[str, datetime]] = []
    if order.status == W.DISPATCHED and order.respond_by < now:
        missed.append((Escalation.Reason.RESPOND_BY, order.respond_by))
    if order.status in WorkOrder.ACTIVE_STATUSES and order.resolve_by < now:
        missed.append((Escalation.Reason.RESOLVE_BY, order.resolve_by))
    return missed


@transaction.atomic
def _escalate(order_id: int, now: datetime, touched: dict[str, set[int]]) -> int:
    """Mark one order overdue and open an escalation for each deadline it missed that was
    not escalated yet; note which lists need a re-render. Returns how many it opened."""
    order = lock_order(order_id)
    missed = _missed(order, now)
    if not missed:
        return 0  # it moved on since the candidates were read
    changed = refresh_overdue(order, now)
    if changed:
        order.save(update_fields=[*changed, "updated_at"])
        touched["inboxes"].add(order.responsible_id)
    supervisor = supervision_group_for(order.compound)
    opened: list[Escalation] = []
    for reason, deadline in missed:
        if supervisor is None:
            break
        if Escalation.objects.filter(work_order=order, reason=reason, deadline=deadline).exists():
            continue
        escalation = Escalation.objects.create(
            work_order=order, supervisor=supervisor, reason=reason, deadline=deadline
        )
        mirror_on_issue(
            order,
            kind=IssueActivity.Kind.OVERDUE,
            public_text=message(
                gettext_noop(
                    "The deadline passed; the subdistrict supervision group is following up."
                )
            ),
            staff_note=message("%(reason)s", reason=Escalation.Reason(escalation.reason)),
            actor=None,
            organization=supervisor,
        )
        opened.append(escalation)
    if changed or opened:
        push_work_order(order, inbox=False)
    if opened:
        assert supervisor is not None
        touched["supervisors"].add(supervisor.pk)
    # No action ran, so nothing else tells the task lists: the supervision group has an
    # escalation to follow up, the party's task shows its overdue badge.
    organizations = ([supervisor.pk] if opened and supervisor else []) + (
        [order.responsible_id] if changed else []
    )
    if organizations:
        refresh_tasks(organizations=organizations)
    for escalation in opened:
        escalation_opened.send(sender=Escalation, escalation=escalation)
    return len(opened)


def sweep_deadlines(*, now: datetime | None = None) -> int:
    """Mark passed deadlines overdue and open one escalation per missed deadline for the
    supervision group. Idempotent; each order in its own transaction, then each touched
    inbox and overdue list re-rendered once. Returns how many escalations were opened."""
    now = now or timezone.now()
    opened = 0
    touched: dict[str, set[int]] = {"inboxes": set(), "supervisors": set()}
    for order_id in _overdue_candidates(now):
        opened += _escalate(order_id, now, touched)
    if touched["inboxes"] or touched["supervisors"]:
        with transaction.atomic():
            for org in Organization.objects.filter(pk__in=touched["inboxes"]):
                push_inbox(org)
            for org in Organization.objects.filter(pk__in=touched["supervisors"]):
                push_overdue(org)
    return opened


@periodic("sweep_deadlines")
def _periodic_sweep() -> int:
    return sweep_deadlines()


@transaction.atomic
def handle_escalation(*, escalation: Escalation, actor: Any, note: str) -> Escalation:
    """The supervision group records its follow-up; the order stays on its overdue list
    until the work is done (``selectors.work_orders.supervised``)."""
    if not note.strip():
        raise field_error("note", _("Record what was done."))
    esc = (
        Escalation.objects.select_for_update()
        .select_related("work_order", "supervisor")
        .get(pk=escalation.pk)
    )
    policy.require(actor, "escalation.handle", esc)
    if esc.status != Escalation.Status.OPEN:
        raise Conflict(_("This escalation was already handled."))
    esc.status = Escalation.Status.HANDLED
    esc.handled_by = actor
    esc.handled_at = timezone.now()
    esc.handled_note = note
    esc.save(update_fields=["status", "handled_by", "handled_at", "handled_note"])
    order = esc.work_order
    mirror_on_issue(
        order,
        kind=IssueActivity.Kind.ESCALATED,
        public_text=message(
            gettext_noop("The supervision group followed up with %(org)s."),
            org=order.responsible.name,
        ),
        staff_note=note,
        actor=actor,
        organization=esc.supervisor,
    )
    push_overdue(esc.supervisor, actor=actor)
    copy_state(esc, escalation)
    return escalation
