"""Work orders: the one assignment mechanism (issues, session resolutions, owners' votes).

Entry point other areas call::

    dispatch_work_order(*, actor, responsible, title, description, compound,
                        respond_by=None, resolve_by=None, issue=None, origin=None,
                        co_operating=(), acceptance_criteria="", category=None,
                        urgency=Urgency.ORDINARY, staff_note="") -> WorkOrder

``actor`` needs ``work_order.dispatch`` on the compound (committees serving it, the
subdistrict); ``actor=None`` is the system itself (no check). Deadlines default to the SLA
policy of ``category`` and ``urgency`` (``sla_deadlines``; docs/law.md §6). ``origin`` is any
model instance (a session resolution, an owners' vote matter) stored as a generic
relation; ``issue`` links the order to an issue, whose status follows the order
(dispatched / resolution assigned → in progress → resolved → closed or reopened). It records
events and pushes the responsible organization's ``org:<id>:inbox``, the order's
``work_order:<id>:staff`` and, with an issue, the issue's live fragments. The workflows app
starts a ``WorkOrderFlow`` for every dispatched order (``work_order_dispatched`` signal).

Then, by the responsible party: ``accept_work_order``, ``send_back_work_order``,
``add_progress``, ``complete_work_order``, ``request_extension``; by the committee:
``verify_work_order``, ``decide_extension``; by the reporter (or the committee):
``confirm_work_order``; by the clock: ``sweep_deadlines`` (periodic job and
``manage.py sweep_deadlines``); by the supervision group: ``handle_escalation``.
Each raises ``Conflict`` (HTTP 409) when the order is no longer in a state that allows it
and ``InvalidInput`` (400, translated, with the field it is about) for unusable input.
People take these steps through the registry's actions (``deliberation/actions/
work_orders.py``), which move an order with ``workflows.work_orders.perform(order, action,
actor=…, …)`` (accept, send_back, complete, verify, confirm) so its flow stays in step;
progress notes, extensions and escalations are called directly.

One module per step: ``dispatch`` (the SLA clocks and the entry point), ``respond`` (the
party), ``extensions``, ``verify`` (the community and the reporter), ``sweep`` (the clock
and the supervision group's follow-up), ``push`` (the live fragments) and ``steps`` (what
every step shares: the lock, the state check, the history on the order and its issue).
Steps made without an action (dispatch, the sweep) tell the task lists to fetch again
themselves (``deliberation.live.refresh``).
"""

from __future__ import annotations

from .dispatch import dispatch_work_order, sla_deadlines, work_order_dispatched
from .extensions import decide_extension, request_extension
from .push import (
    push_committee,
    push_inbox,
    push_overdue,
    push_rating,
    push_work_order,
)
from .respond import (
    accept_work_order,
    add_progress,
    complete_work_order,
    send_back_work_order,
)
from .sweep import escalation_opened, handle_escalation, sweep_deadlines
from .verify import confirm_work_order, verify_work_order

__all__ = [
    "accept_work_order",
    "add_progress",
    "complete_work_order",
    "confirm_work_order",
    "decide_extension",
    "dispatch_work_order",
    "escalation_opened",
    "handle_escalation",
    "push_committee",
    "push_inbox",
    "push_overdue",
    "push_rating",
    "push_work_order",
    "request_extension",
    "send_back_work_order",
    "sla_deadlines",
    "sweep_deadlines",
    "verify_work_order",
    "work_order_dispatched",
]
