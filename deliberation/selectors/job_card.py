"""What the job card of a work order shows: its whole history, and how to reach the reporter.

Read from an order loaded by ``work_order_detail`` (its notes, evidence, extension requests
and escalations prefetched): no query of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation import policy
from deliberation.models import (
    Escalation,
    ExtensionRequest,
    WorkOrder,
    WorkOrderEvidence,
    WorkOrderNote,
)


@dataclass(frozen=True)
class HistoryEntry:
    """One step of the order, oldest first: dispatch, acceptance, notes, extension requests
    and their decisions, escalations and the supervision group's follow-ups."""

    when: datetime
    kind: str
    label: Any  # lazy translations: the pushed fragment is rendered per language
    text: Any = ""
    who: str = ""
    evidence: list[WorkOrderEvidence] = field(default_factory=list)


def job_history(order: WorkOrder) -> list[HistoryEntry]:
    entries = [
        HistoryEntry(
            order.created_at,
            "dispatched",
            WorkOrder.Status.DISPATCHED.label,
            order.responsible.name,
            str(order.dispatched_by) if order.dispatched_by_id else "",
        )
    ]
    if order.accepted_at is not None:
        entries.append(
            HistoryEntry(
                order.accepted_at,
                "accepted",
                WorkOrder.Status.ACCEPTED.label,
                who=order.responsible.name,
            )
        )
    for note in order.notes.all():
        who = str(note.author) if note.author_id else ""
        if note.organization_id and note.organization:
            who = f"{note.organization.name} · {who}" if who else note.organization.name
        entries.append(
            HistoryEntry(
                note.created_at,
                note.kind,
                WorkOrderNote.Kind(note.kind).label,  # lazy: pushed per language
                note.text_display,  # platform-written notes read in the reader's language
                who,
                list(note.evidence.all()),
            )
        )
    for ext in order.extension_requests.all():
        due = timezone.localtime(ext.new_resolve_by).strftime("%Y-%m-%d")
        entries.append(
            HistoryEntry(
                ext.created_at, "extension", _("extension requested"), f"{ext.reason} → {due}"
            )
        )
        if ext.decided_at is not None:
            entries.append(
                HistoryEntry(
                    ext.decided_at,
                    "extension-decided",
                    ExtensionRequest.Status(ext.status).label,
                    ext.decision_note,
                    str(ext.decided_by) if ext.decided_by_id else "",
                )
            )
    for esc in order.escalations.all():
        entries.append(
            HistoryEntry(
                esc.created_at,
                "escalation",
                pgettext_lazy("intake", "escalation"),
                Escalation.Reason(esc.reason).label,
                esc.supervisor.name,
            )
        )
        if esc.handled_at is not None:
            entries.append(
                HistoryEntry(
                    esc.handled_at,
                    "follow-up",
                    pgettext_lazy("intake", "follow-up"),
                    esc.handled_note,
                    str(esc.handled_by) if esc.handled_by_id else esc.supervisor.name,
                )
            )
    return sorted(entries, key=lambda e: e.when)


@dataclass(frozen=True)
class ReporterContact:
    name: str
    phone: str
    #: False: the number is shown masked (138****5678) and not dialable.
    unmasked: bool


def reporter_contact(order: WorkOrder, *, unmasked: bool) -> ReporterContact | None:
    """Who reported the order's issue and their phone, masked unless the policy
    (``work_order.contact_reporter``) lets the viewer call them."""
    issue = order.issue if order.issue_id else None
    if issue is None:
        return None
    return issue_reporter_contact(issue, unmasked=unmasked)


def issue_reporter_contact(issue: Any, *, unmasked: bool) -> ReporterContact | None:
    """The reporter's name and phone (their account's, or the one taken with a phone or
    walk-in report), masked unless the viewer may call them (``issue.contact_reporter`` on
    the issue page, ``work_order.contact_reporter`` on the job card)."""
    user = issue.reporter if issue.reporter_id else None
    name = issue.reporter_name or (str(user) if user is not None else "")
    phone = (user.phone if user is not None else "") or issue.reporter_phone
    if not name and not phone:
        return None
    if phone and not unmasked:
        phone = f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
    return ReporterContact(name=name, phone=phone, unmasked=unmasked and bool(phone))


def completion_photos(issue: Any, viewer: Any) -> list[WorkOrderEvidence]:
    """The photos of the completed work on an issue's orders that ``viewer`` may open (the
    reporter sees what was done at their report; one query, two with the parties' rule)."""
    photos = list(
        WorkOrderEvidence.objects.filter(
            work_order__issue=issue, note__kind=WorkOrderNote.Kind.COMPLETION
        )
        .select_related("note", "work_order")
        .prefetch_related("work_order__co_operating")
        .order_by("id")
    )
    for photo in photos:
        photo.work_order.issue = issue
    return [p for p in photos if policy.can(viewer, "work_order.view_evidence", p)]
