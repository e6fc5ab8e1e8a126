"""Issues: report, triage, move through statuses, and keep their live pages current.

Signatures other areas call (keyword-only, each one transaction, each pushes the issue's
live fragments ``issue:<id>:public`` and ``issue:<id>:staff``):

``record_issue_activity(*, issue, kind, public_text, staff_note="", actor=None,
organization=None, link=None) -> IssueActivity``
    Add a step to the timeline (``kind``: an ``IssueActivity.Kind`` value or your own
    short string) and push. ``public_text`` is shown to the reporter and the compound;
    ``staff_note`` only to the parties. ``link``: any model instance (a session, a
    resolution…) shown as the step's context.

``move_issue(*, issue, status, actor, public_text, kind=None, staff_note="",
organization=None, link=None, closure_reason="") -> Issue``
    Set ``Issue.Status`` (locks the row; stamps triaged/responded/resolved/closed times),
    record the step and push. Closing needs a ``closure_reason``. E.g. the session area:
    ``move_issue(issue=i, status=Issue.Status.ON_AGENDA, actor=u, public_text=…,
    link=session)``.

``report_issue(*, actor, channel, description, compound=None, building=None, unit=None,
location_text="", category=None, urgency=Urgency.ORDINARY, photos=(), reporter=None,
reporter_name="", reporter_phone="", hotline_ticket="") -> Issue``
    Take an issue in from any channel (an importer passes ``channel=Issue.Channel.HOTLINE``
    and the ticket number); sends ``issue_reported``, from which the workflows app starts
    the intake flow.

Triage is in ``services.triage``. Refusals a person can cause are ``InvalidInput`` (a place
that does not fit together) with a translated message; ``move_issue``'s ``ValueError`` is a
caller's mistake, never a person's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.lists.inbox import TRIAGE, section_context
from deliberation.live.outbox import record_event
from deliberation.live.refresh import refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import (
    Building,
    Compound,
    Issue,
    IssueActivity,
    IssueCategory,
    IssuePhoto,
    Organization,
    Unit,
    Urgency,
    User,
)
from deliberation.selectors.issues import timeline_of, triage_committees
from deliberation.stored_messages import Message, message

from . import notifications
from .stored_files import files_removed_on_rollback, save_file

S = Issue.Status

#: Sent inside the reporting transaction: ``issue`` (the workflows app starts the intake
#: flow from it, whatever the channel).
issue_reported = Signal()
PUBLIC_TEMPLATE = "issues/_status_public.html"
STAFF_TEMPLATE = "issues/_status_staff.html"
QUEUE_TEMPLATE = "issues/_triage_queue.html"

#: Channels a resident uses himself; the others are entered by staff (or imported).
STAFF_CHANNELS = (
    Issue.Channel.PHONE,
    Issue.Channel.WALK_IN,
    Issue.Channel.INSPECTION,
    Issue.Channel.PROACTIVE,
    Issue.Channel.COMMITTEE,
)


# --- live fragments --------------------------------------------------------------------------


def issue_context(issue: Issue) -> dict[str, Any]:
    activities = timeline_of(issue)
    return {"issue": issue, "activities": activities}


def push_issue(issue: Issue, *, actor: Any = None) -> None:
    """Re-render the issue's public and staff status for everyone watching it."""
    context = issue_context(issue)
    for audience, template in (("public", PUBLIC_TEMPLATE), ("staff", STAFF_TEMPLATE)):
        record_event(
            topic=topic("issue", issue.pk, audience),
            kind="issue.changed",
            template=template,
            context=context,
            actor=actor,
        )


def triage_organizations(compound: Compound | None) -> list[Organization]:
    """Whose triage queue an issue sits in: the residents' committee of its community, or
    the subdistrict office for an issue without a compound."""
    if compound is not None:
        rc = compound.community.residents_committee
        return [rc] if rc is not None else []
    return list(Organization.objects.filter(kind=Organization.Kind.SUBDISTRICT_OFFICE))


def push_triage_queue(compound: Compound | None, *, actor: Any = None) -> None:
    """The triage queue changed: push it to the committee's inbox, and tell the task lists
    of everyone who triages there to fetch themselves again ("triage this report" came or
    went) — whether the change came through an action or not (a report, an import, an
    order sent back)."""
    for org in triage_organizations(compound):
        record_event(
            topic=topic("org", org.pk, "inbox"),
            kind="triage.changed",
            template=QUEUE_TEMPLATE,
            context=section_context(TRIAGE, org),  # unfiltered; filtered pages refetch
            actor=actor,
        )
    refresh_tasks(organizations=triage_committees(compound), actor=actor)


# --- the timeline ----------------------------------------------------------------------------


def _link_fields(link: Any) -> dict[str, Any]:
    if link is None:
        return {"link_type": None, "link_id": None}
    return {"link_type": ContentType.objects.get_for_model(link), "link_id": link.pk}


def _text_fields(text_field: str, message_field: str, text: str | Message) -> dict[str, Any]:
    """A ``Message`` is stored to be translated for each reader (and as text in the platform
    language, for the admin); a plain string (what a person typed) is stored as it is."""
    if isinstance(text, Message):
        return {
            text_field: text.in_language(settings.LANGUAGE_CODE),
            message_field: text.as_json(),
        }
    return {text_field: text}


def _add_activity(
    *,
    issue: Issue,
    kind: str,
    public_text: str | Message,
    staff_note: str | Message = "",
    reporter_comment: str = "",
    actor: Any = None,
    organization: Organization | None = None,
    link: Any = None,
) -> IssueActivity:
    return IssueActivity.objects.create(
        issue=issue,
        kind=kind,
        **_text_fields("public_text", "public_message", public_text),
        **_text_fields("staff_note", "staff_message", staff_note),
        reporter_comment=reporter_comment,
        actor=actor if getattr(actor, "pk", None) else None,
        organization=organization,
        **_link_fields(link),
    )


@transaction.atomic
def record_issue_activity(
    *,
    issue: Issue,
    kind: str,
    public_text: str | Message,
    staff_note: str | Message = "",
    reporter_comment: str = "",
    actor: Any = None,
    organization: Organization | None = None,
    link: Any = None,
) -> IssueActivity:
    """Add a step to the issue's timeline and push its live fragments."""
    activity = _add_activity(
        issue=issue,
        kind=kind,
        public_text=public_text,
        staff_note=staff_note,
        reporter_comment=reporter_comment,
        actor=actor,
        organization=organization,
        link=link,
    )
    push_issue(issue, actor=actor)
    return activity


def lock_issue(issue: Issue | int) -> Issue:
    pk = issue if isinstance(issue, int) else issue.pk
    return (
        Issue.objects.select_for_update(of=("self",))
        .select_related("compound__community", "category", "reporter", "responsible")
        .get(pk=pk)
    )


_STATUS_KIND: dict[str, str] = {
    S.AWAITING_SESSION: IssueActivity.Kind.AWAITING_SESSION,
    S.ON_AGENDA: IssueActivity.Kind.ON_AGENDA,
    S.RESOLUTION_ASSIGNED: IssueActivity.Kind.RESOLUTION,
    S.CLOSED: IssueActivity.Kind.CLOSED,
    S.DISPATCHED: IssueActivity.Kind.DISPATCHED,
}


def _apply_status(issue: Issue, status: str, closure_reason: str = "") -> list[str]:
    """Set status and its timestamps on a locked issue; return the fields changed."""
    now = timezone.now()
    fields = ["status", "closure_reason", "updated_at"]
    issue.status = status
    issue.closure_reason = closure_reason if status == S.CLOSED else ""
    if status != S.NEW and issue.triaged_at is None:
        issue.triaged_at = now
        fields.append("triaged_at")
    if status == S.IN_PROGRESS and issue.responded_at is None:
        issue.responded_at = now
        fields.append("responded_at")
    if status == S.RESOLVED:
        issue.resolved_at = now
        fields.append("resolved_at")
    if status == S.CLOSED:
        issue.closed_at = now
        fields.append("closed_at")
        if closure_reason == Issue.ClosureReason.FIXED and issue.resolved_at is None:
            issue.resolved_at = now
            fields.append("resolved_at")
    return fields


@transaction.atomic
def move_issue(
    *,
    issue: Issue,
    status: str,
    actor: Any,
    public_text: str | Message,
    kind: str | None = None,
    staff_note: str | Message = "",
    reporter_comment: str = "",
    organization: Organization | None = None,
    link: Any = None,
    closure_reason: str = "",
) -> Issue:
    """Move the issue to ``status``, record the step, push the issue (and the triage queue
    when it enters or leaves it). Closing requires a distinct ``closure_reason``."""
    if status not in S.values:
        raise ValueError(f"unknown issue status {status!r}")
    if status == S.CLOSED and closure_reason not in Issue.ClosureReason.values:
        raise ValueError("closing an issue needs a closure reason")
    locked = lock_issue(issue)
    was_new = locked.status == S.NEW
    fields = _apply_status(locked, status, closure_reason)
    locked.save(update_fields=fields)
    _add_activity(
        issue=locked,
        kind=kind or _STATUS_KIND.get(status, IssueActivity.Kind.STATUS),
        public_text=public_text,
        staff_note=staff_note,
        reporter_comment=reporter_comment,
        actor=actor,
        organization=organization,
        link=link,
    )
    push_issue(locked, actor=actor)
    if was_new or status == S.NEW:
        push_triage_queue(locked.compound, actor=actor)
    notifications.notify_issue_status(locked, actor=actor)
    copy_issue_state(locked, issue)
    return issue


def copy_issue_state(source: Issue, target: Issue) -> None:
    if source is not target:
        for f in Issue._meta.concrete_fields:
            setattr(target, f.attname, getattr(source, f.attname))


# --- intake ----------------------------------------------------------------------------------


def _check_place(compound: Compound | None, building: Building | None, unit: Unit | None) -> None:
    if building is not None and (compound is None or building.compound_id != compound.pk):
        raise InvalidInput(
            _("That building is not in the chosen compound."),
            fields={"building": [_("That building is not in the chosen compound.")]},
        )
    if unit is not None and (building is None or unit.building_id != building.pk):
        raise InvalidInput(
            _("There is no such unit in that building."),
            fields={"unit_number": [_("There is no such unit in that building.")]},
        )


@files_removed_on_rollback()
def report_issue(
    *,
    actor: User,
    channel: str,
    description: str,
    compound: Compound | None = None,
    building: Building | None = None,
    unit: Unit | None = None,
    location_text: str = "",
    category: IssueCategory | None = None,
    urgency: str = Urgency.ORDINARY,
    photos: Sequence[tuple[UploadedFile, str]] = (),
    reporter: User | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    hotline_ticket: str = "",
    push_queue: bool = True,
    push_page: bool = True,
) -> Issue:
    """Take an issue in from any channel and put it in the committee's triage queue.

    Residents report for themselves (``channel=web``; ``reporter`` defaults to ``actor``).
    Staff channels (phone, walk-in, inspection, proactive) need ``issue.enter``; the caller
    may name a ``reporter`` account or just a name and phone. ``photos`` are
    ``(file, content_type)`` pairs already checked by ``deliberation.photos``.
    ``push_queue=False`` leaves the triage queue's push to the caller (a bulk import
    pushes it once per chunk instead of once per row).
    ``push_page=False`` skips pushing the new issue's own fragments: no page of an issue
    can be open before the transaction that creates it commits, and a page opened later
    draws the issue as stored, so nobody follows those topics yet (the import of thousands
    of 12345 calls leaves out two renders, two rows and two publishes per call).
    """
    if channel in STAFF_CHANNELS:
        policy.require(actor, "issue.enter", compound)
        entered_by: User | None = actor
    else:
        policy.require(actor, "issue.report", compound)
        entered_by = None
        if channel == Issue.Channel.WEB:
            reporter = actor
    _check_place(compound, building, unit)
    issue = Issue.objects.create(
        reporter=reporter,
        reporter_name=reporter_name,
        reporter_phone=reporter_phone,
        entered_by=entered_by,
        channel=channel,
        category=category,
        description=description,
        compound=compound,
        building=building,
        unit=unit,
        location_text=location_text,
        urgency=urgency,
        hotline_ticket=hotline_ticket,
    )
    for upload, content_type in photos:
        photo = IssuePhoto(
            issue=issue,
            token=get_random_string(24),
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor,
        )
        save_file(photo.file, upload.name or "photo", upload)
        photo.save()
    _add_activity(
        issue=issue,
        kind=IssueActivity.Kind.REPORTED,
        public_text=message(
            gettext_noop("Received through %(channel)s."), channel=Issue.Channel(issue.channel)
        ),
        actor=actor,
    )
    if push_page:
        push_issue(issue, actor=actor)
    if push_queue:
        push_triage_queue(compound, actor=actor)
    issue_reported.send(sender=Issue, issue=issue)
    return issue
