"""Issues and work orders: who may report, triage, see, act on and rate them.

Residents see their own issues and the public status of issues in their compound; party
staff see the orders assigned to their organization; the committee sees its compound; the
subdistrict sees everything. Staff-only notes are for the parties, never the public.
"""

from __future__ import annotations

from typing import Any

from deliberation.models import Issue, WorkOrder

from .principal import COMMUNITY_KINDS, OWNER_BODY_KINDS, Principal
from .registry import action, topic


def _cid(obj: Any) -> int | None:
    if obj is None:
        return None
    return obj if isinstance(obj, int) else obj.pk


def _committee_of(p: Principal, compound_id: int | None) -> bool:
    """The residents' committee (or community Party committee) serving the compound.
    Issues without a compound fall to the subdistrict."""
    if compound_id is None:
        return p.is_subdistrict
    return p.is_subdistrict or p.serves(compound_id, *COMMUNITY_KINDS)


# --- reporting -------------------------------------------------------------------------------


@action("issue.report")
def report_issue(p: Principal, compound: Any) -> bool:
    """Anyone logged in may report; about a compound only where they live or serve."""
    if not p.is_authenticated:
        return False
    cid = _cid(compound)
    return cid is None or p.lives_in(cid) or p.serves(cid) or p.is_subdistrict


@action("issue.enter")
def enter_issue(p: Principal, compound: Any) -> bool:
    """Staff entry of phone, walk-in, inspection and proactive reports."""
    return _committee_of(p, _cid(compound))


# --- seeing ----------------------------------------------------------------------------------


def _issue_parties(p: Principal, issue: Any) -> bool:
    cid = issue.compound_id
    if p.is_subdistrict:
        return True
    if issue.responsible_id and issue.responsible_id in p.org_kinds:
        return True
    return cid is not None and p.serves(cid)


@action("issue.view")
def view_issue(p: Principal, issue: Any) -> bool:
    """Public status: the reporter, residents of the compound, and the parties."""
    if not p.is_authenticated:
        return False
    if issue.reporter_id is not None and issue.reporter_id == p.user_id:
        return True
    if issue.compound_id is not None and p.lives_in(issue.compound_id):
        return True
    return _issue_parties(p, issue)


@action("issue.view_staff")
def view_issue_staff(p: Principal, issue: Any) -> bool:
    """Staff-only notes and personal data: the parties serving the compound, the current
    responsible party and the subdistrict."""
    return _issue_parties(p, issue)


@action("issue.view_unit")
def view_issue_unit(p: Principal, issue: Any) -> bool:
    """The unit (room) number the issue was reported from says where the reporter lives:
    the reporter and the parties see it; neighbours see compound and building only (the
    Open311 feed drops the unit for the same reason)."""
    if issue.reporter_id is not None and issue.reporter_id == p.user_id:
        return True
    return _issue_parties(p, issue)


@action("issue.triage")
def triage_issue(p: Principal, issue: Any) -> bool:
    return _committee_of(p, issue.compound_id)


@action("issue.triage_queue")
def triage_queue(p: Principal, organization: Any) -> bool:
    """The committee's own queue (the subdistrict may look at any)."""
    oid = _cid(organization)
    return p.is_subdistrict or (oid in p.org_kinds and p.org_kinds[oid] in COMMUNITY_KINDS)


@action("issue.rate")
def rate_issue(p: Principal, issue: Any) -> bool:
    """The reporter confirms and rates; for a report without an account (hotline, phone)
    the committee records the follow-up call (回访)."""
    if issue.reporter_id is not None:
        return issue.reporter_id == p.user_id
    return _committee_of(p, issue.compound_id)


# --- work orders -----------------------------------------------------------------------------


def _co_operating_ids(work_order: Any) -> set[int]:
    return {o.pk for o in work_order.co_operating.all()}


@action("work_order.view")
def view_work_order(p: Principal, work_order: Any) -> bool:
    if p.is_subdistrict or work_order.responsible_id in p.org_kinds:
        return True
    if p.serves(work_order.compound_id, *COMMUNITY_KINDS, *OWNER_BODY_KINDS):
        return True
    return bool(_co_operating_ids(work_order) & set(p.org_kinds))


#: Order statuses after which the party has nothing left to do at the reporter's door.
_FINISHED_ORDER = ("sent_back", "closed", "cancelled")


@action("work_order.contact_reporter")
def contact_reporter(p: Principal, work_order: Any) -> bool:
    """The reporter's unmasked phone on the job card.

    The party that must visit sees it while the order is open: it has to arrange access to
    the flat, and we have no telephony relay (a carrier's virtual number) to put between
    them, so a masked number would leave it no way to call. The committee serving the
    compound and the subdistrict see it too (they triage and make the follow-up call, 回访).
    Co-operating organizations and the owners' bodies see the masked number, and so does
    the party once the order is finished."""
    if work_order.responsible_id in p.org_kinds and work_order.status not in _FINISHED_ORDER:
        return True
    return _committee_of(p, work_order.compound_id)


@action("issue.contact_reporter")
def contact_reporter_of_issue(p: Principal, issue: Any) -> bool:
    """The reporter's unmasked phone on the issue page: the same people as on the job card
    (``work_order.contact_reporter``): the committee serving the compound and the
    subdistrict always, a responsible party while its order is open, nobody else."""
    if _committee_of(p, issue.compound_id):
        return True
    return any(contact_reporter(p, order) for order in issue.work_orders.all())


@action("work_order.view_evidence")
def view_work_order_evidence(p: Principal, evidence: Any) -> bool:
    """A photo on an order: whoever may see the order; the reporter also sees the photos of
    the completed work at their report (not the parties' progress photos)."""
    order = evidence.work_order
    if view_work_order(p, order):
        return True
    if not p.is_authenticated or evidence.note_id is None or evidence.note.kind != "completion":
        return False
    issue = order.issue if order.issue_id else None
    return issue is not None and issue.reporter_id is not None and issue.reporter_id == p.user_id


@action("work_order.dispatch")
def dispatch_work_order(p: Principal, compound: Any) -> bool:
    """The committees serving the compound (residents', Party, owners') and the subdistrict."""
    cid = _cid(compound)
    if cid is None:
        return p.is_subdistrict
    return p.is_subdistrict or p.serves(cid, *COMMUNITY_KINDS, *OWNER_BODY_KINDS)


@action("work_order.respond")
def respond_work_order(p: Principal, work_order: Any) -> bool:
    """Accept, send back, report progress, complete, ask for more time: the responsible party."""
    return work_order.responsible_id in p.org_kinds


@action("work_order.verify")
def verify_work_order(p: Principal, work_order: Any) -> bool:
    """Verification by the community."""
    return _committee_of(p, work_order.compound_id)


@action("work_order.decide_extension")
def decide_extension(p: Principal, work_order: Any) -> bool:
    """An extension needs the committee's approval."""
    return _committee_of(p, work_order.compound_id)


@action("work_order.confirm")
def confirm_work_order(p: Principal, work_order: Any) -> bool:
    """The reporter confirms and rates; orders without a reporting resident (sessions,
    votes, hotline) are confirmed by the committee."""
    issue = work_order.issue if work_order.issue_id else None
    if issue is not None and issue.reporter_id is not None:
        return issue.reporter_id == p.user_id
    return _committee_of(p, work_order.compound_id)


@action("work_order.inbox")
def org_inbox(p: Principal, organization: Any) -> bool:
    oid = _cid(organization)
    return p.is_subdistrict or oid in p.org_kinds


@action("escalation.handle")
def handle_escalation(p: Principal, escalation: Any) -> bool:
    return p.is_supervisor


@action("escalation.list")
def list_escalations(p: Principal, _obj: Any) -> bool:
    return p.is_subdistrict


# --- live topics -----------------------------------------------------------------------------


@topic("issue")
def issue_topic(p: Principal, issue_id: int, audience: str) -> bool:
    if audience not in ("public", "staff"):
        return False
    issue = (
        Issue.objects.filter(pk=issue_id)
        .only("id", "reporter_id", "compound_id", "responsible_id")
        .first()
    )
    if issue is None:
        return False
    if audience == "public":
        return view_issue(p, issue)
    return view_issue_staff(p, issue)


@topic("work_order")
def work_order_topic(p: Principal, work_order_id: int, audience: str) -> bool:
    if audience != "staff":
        return False
    work_order = (
        WorkOrder.objects.filter(pk=work_order_id)
        .only("id", "responsible_id", "compound_id")
        .prefetch_related("co_operating")
        .first()
    )
    return work_order is not None and view_work_order(p, work_order)
