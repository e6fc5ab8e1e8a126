"""The order's live fragments: its page, its party's inbox, the committee's and the
supervision group's lists, and the reporter's rating form."""

from __future__ import annotations

from typing import Any

from deliberation.lists.inbox import EXTENSIONS, ORDERS, SUPERVISED, VERIFY, section_context
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import (
    Compound,
    Issue,
    Organization,
    WorkOrder,
)
from deliberation.selectors.work_orders import work_order_fragment

W = WorkOrder.Status
IS = Issue.Status


INBOX_TEMPLATE = "work_orders/_inbox.html"
DETAIL_TEMPLATE = "work_orders/_detail.html"
OVERDUE_TEMPLATE = "work_orders/_overdue.html"

# --- live fragments --------------------------------------------------------------------------


def push_inbox(organization: Organization, *, actor: Any = None) -> None:
    record_event(
        topic=topic("org", organization.pk, "inbox"),
        kind="inbox.changed",
        template=INBOX_TEMPLATE,
        # everyone's copy: the unfiltered first page (a filtered page fetches its own)
        context=section_context(ORDERS, organization),
        actor=actor,
    )


def push_committee(compound: Compound, *, actor: Any = None) -> None:
    """The residents' committee's orders to verify and extensions to decide: two inbox
    sections, each pushed as its unfiltered first page (filtered pages refetch)."""
    rc = compound.community.residents_committee
    if rc is None:
        return
    for kind, section in (("verify.changed", VERIFY), ("extensions.changed", EXTENSIONS)):
        record_event(
            topic=topic("org", rc.pk, "inbox"),
            kind=kind,
            template=section.template,
            context=section_context(section, rc),
            actor=actor,
        )


def push_overdue(supervisor: Organization, *, actor: Any = None) -> None:
    record_event(
        topic=topic("org", supervisor.pk, "inbox"),
        kind="overdue.changed",
        template=OVERDUE_TEMPLATE,
        context=section_context(SUPERVISED, supervisor),  # unfiltered; filtered pages refetch
        actor=actor,
    )


RATE_TEMPLATE = "issues/_rate.html"


def push_rating(order: WorkOrder, *, actor: Any = None, thanks: bool = False) -> None:
    """Offer the reporter the confirm-and-rate form on their open issue page (their own
    ``user:<id>:home`` topic, nobody else's), or take it away once rated."""
    issue = order.issue if order.issue_id else None
    if issue is None or issue.reporter_id is None:
        return
    record_event(
        topic=topic("user", issue.reporter_id, "home"),
        kind="issue.rate",
        template=RATE_TEMPLATE,
        context={"issue": issue, "rate_order": None if thanks else order, "thanks": thanks},
        actor=actor,
    )


def push_work_order(
    order: WorkOrder, *, actor: Any = None, committee: bool = False, inbox: bool = True
) -> WorkOrder:
    """Re-render the order's page fragment and its party's inbox (and the committee's list),
    and the overdue list of each supervision group it was escalated to (an order stays on it
    until done). The sweep passes ``inbox=False`` and re-renders those lists once at its
    end."""
    fresh = work_order_fragment(order.pk)
    assert fresh is not None
    record_event(
        topic=topic("work_order", order.pk, "staff"),
        kind="work_order.changed",
        template=DETAIL_TEMPLATE,
        context={"order": fresh},
        actor=actor,
    )
    if inbox:
        push_inbox(fresh.responsible, actor=actor)
        for supervisor in {e.supervisor for e in fresh.escalations.all()}:
            push_overdue(supervisor, actor=actor)
    if committee:  # the locked order came with its community and committee
        push_committee(order.compound, actor=actor)
    return fresh
