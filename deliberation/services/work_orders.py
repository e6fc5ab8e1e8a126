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
Each raises ``Conflict`` (HTTP 409) when the order is no longer in a state that allows it.
Pages move an order with ``workflows.work_orders.perform(order, action, actor=…, …)``
(accept, send_back, complete, verify, confirm) so its flow stays in step; progress notes,
extensions and escalations are called directly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import (
    DEFAULT_SLA,
    Compound,
    Escalation,
    ExtensionRequest,
    Issue,
    IssueActivity,
    IssueCategory,
    Organization,
    SlaPolicy,
    Urgency,
    WorkOrder,
    WorkOrderEvidence,
    WorkOrderNote,
)
from deliberation.periodic import periodic
from deliberation.selectors.work_orders import (
    awaiting_committee,
    inbox,
    pending_extensions,
    supervised_orders,
    supervision_group_for,
    work_order_detail,
)
from deliberation.stored_messages import Message, message

from . import issues as issue_services
from .conflicts import Conflict
from .stored_files import files_removed_on_rollback, save_file

W = WorkOrder.Status
IS = Issue.Status

INBOX_TEMPLATE = "work_orders/_inbox.html"
DETAIL_TEMPLATE = "work_orders/_detail.html"
COMMITTEE_TEMPLATE = "work_orders/_committee.html"
OVERDUE_TEMPLATE = "work_orders/_overdue.html"

#: Sent inside the dispatching transaction: ``work_order`` (the workflows app starts the
#: work-order flow from it; the domain knows no process engine).
work_order_dispatched = Signal()
#: Sent when the sweep opens an escalation: ``escalation`` (the workflows app starts the
#: supervision group's follow-up task from it).
escalation_opened = Signal()


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


# --- live fragments --------------------------------------------------------------------------


def push_inbox(organization: Organization, *, actor: Any = None) -> None:
    record_event(
        topic=topic("org", organization.pk, "inbox"),
        kind="inbox.changed",
        template=INBOX_TEMPLATE,
        context={"organization": organization, "orders": inbox(organization)},
        actor=actor,
    )


def push_committee(compound: Compound, *, actor: Any = None) -> None:
    """The residents' committee's list of orders to verify and extensions to decide."""
    rc = compound.community.residents_committee
    if rc is None:
        return
    record_event(
        topic=topic("org", rc.pk, "inbox"),
        kind="committee.changed",
        template=COMMITTEE_TEMPLATE,
        context={
            "organization": rc,
            "to_verify": awaiting_committee(rc),
            "extensions": pending_extensions(rc),
        },
        actor=actor,
    )


def push_overdue(supervisor: Organization, *, actor: Any = None) -> None:
    record_event(
        topic=topic("org", supervisor.pk, "inbox"),
        kind="overdue.changed",
        template=OVERDUE_TEMPLATE,
        context={"organization": supervisor, "supervised": supervised_orders(supervisor)},
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
    fresh = work_order_detail(order.pk)
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
    if committee:
        push_committee(fresh.compound, actor=actor)
    return fresh


# --- helpers ---------------------------------------------------------------------------------


def _lock(order: WorkOrder | int) -> WorkOrder:
    pk = order if isinstance(order, int) else order.pk
    return (
        WorkOrder.objects.select_for_update(of=("self",))
        .select_related(
            "responsible",
            "compound__community",
            "issue__reporter",
            "issue__category",  # the issue's pushed staff fragment shows them: load them
            "issue__responsible",  # here rather than lazily while rendering it
            "category",
        )
        .get(pk=pk)
    )


def _require_status(order: WorkOrder, allowed: Iterable[str]) -> None:
    if order.status not in allowed:
        raise Conflict(
            _("This work order is now “%(status)s”; the page was out of date.")
            % {"status": order.get_status_display()}
        )


def _note(
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


def _issue_step(
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


def _refresh_overdue(order: WorkOrder, now: datetime) -> list[str]:
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
        raise ValueError("a work order needs a title")
    default_respond, default_resolve = sla_deadlines(category=category, urgency=urgency)
    respond_by = respond_by or default_respond
    resolve_by = resolve_by or default_resolve
    if resolve_by < respond_by:
        raise ValueError("resolve-by must not be before respond-by")
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
        issue.refresh_from_db()
    push_work_order(order, actor=actor)
    work_order_dispatched.send(sender=WorkOrder, work_order=order)
    return order


# --- the responsible party -------------------------------------------------------------------


@transaction.atomic
def accept_work_order(*, work_order: WorkOrder, actor: Any, note: str = "") -> WorkOrder:
    order = _lock(work_order)
    policy.require(actor, "work_order.respond", order)
    _require_status(order, (W.DISPATCHED,))
    now = timezone.now()
    order.status = W.IN_PROGRESS
    order.accepted_at = now
    fields = ["status", "accepted_at", "updated_at", *_refresh_overdue(order, now)]
    order.save(update_fields=fields)
    if note:
        _note(
            order,
            kind=WorkOrderNote.Kind.NOTE,
            text=note,
            actor=actor,
            organization=order.responsible,
        )
    _issue_step(
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
    _copy(order, work_order)
    return order


@transaction.atomic
def send_back_work_order(*, work_order: WorkOrder, actor: Any, reason: str) -> WorkOrder:
    """Not ours / cannot do it: back to the committee's triage with a reason."""
    if not reason.strip():
        raise ValueError("sending back needs a reason")
    order = _lock(work_order)
    policy.require(actor, "work_order.respond", order)
    _require_status(order, (W.DISPATCHED,))
    order.status = W.SENT_BACK
    order.sent_back_reason = reason
    order.is_overdue = False
    order.closed_at = timezone.now()
    order.save(
        update_fields=["status", "sent_back_reason", "is_overdue", "closed_at", "updated_at"]
    )
    _note(
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
    _issue_step(
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
    _copy(order, work_order)
    return order


@files_removed_on_rollback()
def add_progress(
    *,
    work_order: WorkOrder,
    actor: Any,
    text: str,
    photos: Sequence[tuple[UploadedFile, str]] = (),
    public: bool = True,
) -> WorkOrderNote:
    if not text.strip():
        raise ValueError("a progress note needs text")
    order = _lock(work_order)
    policy.require(actor, "work_order.respond", order)
    _require_status(order, WorkOrder.WORKING_STATUSES)
    if order.status == W.ACCEPTED:
        order.status = W.IN_PROGRESS
        order.save(update_fields=["status", "updated_at"])
    note = _note(
        order,
        kind=WorkOrderNote.Kind.PROGRESS,
        text=text,
        actor=actor,
        organization=order.responsible,
        photos=photos,
    )
    _issue_step(
        order,
        kind=IssueActivity.Kind.PROGRESS,
        public_text=text if public else message(gettext_noop("Work is in progress.")),
        staff_note="" if public else text,
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor)
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
        raise ValueError("completion needs a description of what was done")
    order = _lock(work_order)
    policy.require(actor, "work_order.respond", order)
    _require_status(order, WorkOrder.WORKING_STATUSES)
    now = timezone.now()
    order.status = W.COMPLETED
    order.completed_at = now
    order.save(
        update_fields=["status", "completed_at", "updated_at", *_refresh_overdue(order, now)]
    )
    _note(
        order,
        kind=WorkOrderNote.Kind.COMPLETION,
        text=text,
        actor=actor,
        organization=order.responsible,
        photos=photos,
    )
    _issue_step(
        order,
        kind=IssueActivity.Kind.COMPLETED,
        public_text=message(
            gettext_noop("%(org)s reports it done: %(text)s"), org=order.responsible.name, text=text
        ),
        actor=actor,
        organization=order.responsible,
    )
    push_work_order(order, actor=actor, committee=True)
    _copy(order, work_order)
    return order


@transaction.atomic
def request_extension(
    *, work_order: WorkOrder, actor: Any, reason: str, new_resolve_by: datetime
) -> ExtensionRequest:
    """More time needs a reason and the committee's approval (``decide_extension``)."""
    if not reason.strip():
        raise ValueError("an extension needs a reason")
    order = _lock(work_order)
    policy.require(actor, "work_order.respond", order)
    _require_status(order, (W.DISPATCHED, *WorkOrder.WORKING_STATUSES))
    if new_resolve_by <= order.resolve_by:
        raise ValueError("the new deadline must be later than the current one")
    if order.extension_requests.filter(status=ExtensionRequest.Status.PENDING).exists():
        raise Conflict(_("An extension request is already waiting for the committee."))
    try:
        with transaction.atomic():
            extension = ExtensionRequest.objects.create(
                work_order=order, requested_by=actor, reason=reason, new_resolve_by=new_resolve_by
            )
    except IntegrityError as exc:  # a concurrent request won
        raise Conflict(_("An extension request is already waiting for the committee.")) from exc
    _issue_step(
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
    order = _lock(extension.work_order_id)
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
        order.save(update_fields=["resolve_by", "updated_at", *_refresh_overdue(order, now)])
        public = message(
            gettext_noop("More time granted: now due %(due)s."), due=ext.new_resolve_by
        )
    else:
        public = message(
            gettext_noop("Request for more time refused; the original deadline stands.")
        )
    _issue_step(
        order,
        kind=IssueActivity.Kind.EXTENSION_DECIDED,
        public_text=public,
        staff_note=note,
        actor=actor,
    )
    push_work_order(order, actor=actor, committee=True)
    _copy(ext, extension)
    return extension


def _copy(source: Any, target: Any) -> None:
    """Leave the caller's instance showing the state the service stored."""
    if source is not target and isinstance(target, type(source)):
        for f in type(source)._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


# --- the community and the reporter ----------------------------------------------------------


@transaction.atomic
def verify_work_order(
    *, work_order: WorkOrder, actor: Any, approved: bool, note: str = ""
) -> WorkOrder:
    """The community checks the work: approved → the reporter confirms; not approved →
    back to the party (in progress)."""
    order = _lock(work_order)
    policy.require(actor, "work_order.verify", order)
    _require_status(order, (W.COMPLETED,))
    now = timezone.now()
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
            raise ValueError("say what is still missing")
        order.status = W.IN_PROGRESS
        order.completed_at = None
        fields = ["status", "completed_at", "updated_at"]
        public = message(gettext_noop("The community found it not finished: %(note)s"), note=note)
        status = IS.IN_PROGRESS
    fields += _refresh_overdue(order, now)
    order.save(update_fields=fields)
    org = order.compound.community.residents_committee
    _note(order, kind=WorkOrderNote.Kind.VERIFICATION, text=public, actor=actor, organization=org)
    if approved:
        push_rating(order, actor=actor)
    _issue_step(
        order,
        kind=IssueActivity.Kind.VERIFIED if approved else IssueActivity.Kind.REOPENED,
        status=status,
        public_text=public,
        actor=actor,
        organization=org,
    )
    push_work_order(order, actor=actor, committee=True)
    _copy(order, work_order)
    return order


@transaction.atomic
def confirm_work_order(
    *, work_order: WorkOrder, actor: Any, fixed: bool, rating: str, comment: str = ""
) -> WorkOrder:
    """The reporter confirms and rates (满意 / 基本满意 / 不满意). Not fixed or dissatisfied
    reopens the order with the same party; otherwise it closes and the issue closes as
    fixed."""
    if rating not in Issue.Rating.values:
        raise ValueError(f"unknown rating {rating!r}")
    order = _lock(work_order)
    policy.require(actor, "work_order.confirm", order)
    _require_status(order, (W.VERIFIED,))
    now = timezone.now()
    reopen = (not fixed) or rating == Issue.Rating.DISSATISFIED
    order.rating = rating
    if reopen:
        order.status = W.REOPENED
        order.reopen_count += 1
        order.verified_at = None
        order.completed_at = None
        fields = ["status", "rating", "reopen_count", "verified_at", "completed_at", "updated_at"]
        fields += _refresh_overdue(order, now)
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
        _note(
            order,
            kind=WorkOrderNote.Kind.REOPENED,
            text=comment or message("%(rating)s", rating=Issue.Rating(rating)),
            actor=actor,
            organization=None,
        )
        _issue_step(
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
        _issue_step(
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
    push_work_order(order, actor=actor)
    _copy(order, work_order)
    return order


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
    order = _lock(order_id)
    missed = _missed(order, now)
    if not missed:
        return 0  # it moved on since the candidates were read
    changed = _refresh_overdue(order, now)
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
        _issue_step(
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
    until the work is done (``supervised_orders``)."""
    if not note.strip():
        raise ValueError("record what was done")
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
    _issue_step(
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
    _copy(esc, escalation)
    return escalation
