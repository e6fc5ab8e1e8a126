"""12345 hotline import: stage a file for preview, confirm, import the valid rows in chunks.

``stage_hotline_file`` reads and validates the whole file (``deliberation.hotline_file``)
and stores a ``HotlineImport`` with one ``HotlineImportRow`` per data row — no issue is
created. Duplicates by ticket number, repeated in the file or already imported, are marked
and skipped. A ticket number is one 12345 call, so it is imported once in the whole
subdistrict (no double counting); where the uploader may not see the issue it became, the
preview says only that it is taken, never which issue, compound or community holds it.
``confirm_hotline_import`` starts the import (the job queue then runs it to the end:
``deliberation.tasks.hotline``); ``import_next_chunk`` turns the next ``CHUNK`` valid rows
into issues through ``report_issue`` (channel hotline, ticket kept) in one transaction, each
row in its own savepoint, so the importer's open page can show the progress live and a lost
race on a ticket (another import got it first) skips that row only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import InvalidInput
from deliberation.hotline_file import Catalog, HotlineFileError, read_table, validate_rows
from deliberation.live.outbox import record_event
from deliberation.live.refresh import TEMPLATE as REFETCH_TEMPLATE
from deliberation.live.refresh import refresh_controls
from deliberation.live.topics import topic
from deliberation.models import (
    Compound,
    HotlineImport,
    HotlineImportRow,
    Issue,
    IssueCategory,
    User,
)

from .conflicts import Conflict
from .issues import push_triage_queue, report_issue

R = HotlineImportRow.Status
B = HotlineImport.Status
CHUNK = 10

#: Sent (inside the transaction) when an import is confirmed: the job queue runs it to the
#: end (``deliberation.tasks.hotline``), so closing the page does not pause it.
import_confirmed = Signal()


@transaction.atomic
def stage_hotline_file(*, actor: User, name: str, content: bytes) -> HotlineImport:
    """Validate the file and store its preview. Raises ``HotlineFileError`` (nothing stored)
    for a file that cannot be read or has no importable row, ``PermissionDenied`` for a
    user who may not import."""
    policy.require(actor, "hotline.import")
    table = read_table(name, content)
    catalog = Catalog()
    allowed: dict[int, bool] = {}

    def may_report(compound: Compound) -> bool:
        if compound.pk not in allowed:
            allowed[compound.pk] = policy.can(actor, "issue.report", compound)
        return allowed[compound.pk]

    parsed = list(validate_rows(table, catalog=catalog, allowed_compounds=may_report))
    tickets = {r.ticket for r in parsed if r.ticket}
    existing = {
        issue.hotline_ticket: issue
        for issue in Issue.objects.filter(hotline_ticket__in=tickets).only(
            "id", "hotline_ticket", "reporter_id", "compound_id", "responsible_id"
        )
    }
    first_line: dict[str, int] = {}
    batch = HotlineImport(uploaded_by=actor, filename=name[:200], total_rows=len(parsed))
    rows: list[HotlineImportRow] = []
    for row in parsed:
        status = R.VALID if row.ok else R.INVALID
        messages = list(row.messages)
        if row.ticket in existing:
            status = R.DUPLICATE
            messages.insert(0, _taken_message(actor, existing[row.ticket]))
        elif row.ticket and row.ticket in first_line:
            status = R.DUPLICATE
            messages.insert(
                0,
                _("Same ticket number as line %(line)s: skipped.")
                % {"line": first_line[row.ticket]},
            )
        elif row.ticket:
            first_line[row.ticket] = row.line
        rows.append(
            HotlineImportRow(
                batch=batch,
                line=row.line,
                ticket=row.ticket,
                status=status,
                data=row.data,
                messages=messages,
            )
        )
    batch.valid_rows = sum(1 for r in rows if r.status == R.VALID)
    if not batch.valid_rows:
        # Nothing could be imported: refuse the file (HTTP 400), store nothing, and say why.
        raise HotlineFileError(
            _("No row of this file can be imported; nothing was stored."),
            problems=[(r.line, r.messages) for r in rows[:50]],
        )
    batch.save()
    HotlineImportRow.objects.bulk_create(rows, batch_size=500)
    return batch


def _taken_message(actor: User, issue: Issue) -> str:
    """Name the issue only to someone who may see it; otherwise say that the ticket is held
    where the uploader cannot see (the subdistrict, which sees every issue, can tell where).
    That one bit the uploader learns anyway (the ticket is in their own export and a second
    copy cannot be stored), but nothing about the other community's issue."""
    if policy.can(actor, "issue.view", issue):
        return _("Already imported as issue #%(issue)s: skipped.") % {"issue": issue.pk}
    return _(
        "This ticket was already imported outside what you can see: skipped, so that the "
        "call is counted once. The subdistrict office can say where it is handled."
    )


def _require_owner(actor: Any, batch: HotlineImport) -> None:
    policy.require(actor, "hotline.view_import", batch)
    policy.require(actor, "hotline.import")


@transaction.atomic
def confirm_hotline_import(*, batch: HotlineImport, actor: User) -> HotlineImport:
    """Start importing the valid rows (once: a second confirm is a conflict)."""
    _require_owner(actor, batch)
    if not batch.valid_rows:
        raise Conflict(_("There is no valid row to import."))
    changed = HotlineImport.objects.filter(pk=batch.pk, status=B.PREVIEW).update(
        status=B.IMPORTING, confirmed_at=timezone.now(), to_import=batch.valid_rows
    )
    if not changed:
        raise Conflict(_("This import was already confirmed or cancelled."))
    batch.refresh_from_db()
    import_confirmed.send(sender=HotlineImport, batch=batch)
    return batch


@transaction.atomic
def cancel_hotline_import(*, batch: HotlineImport, actor: User) -> HotlineImport:
    _require_owner(actor, batch)
    changed = HotlineImport.objects.filter(pk=batch.pk, status=B.PREVIEW).update(
        status=B.CANCELLED, finished_at=timezone.now()
    )
    if not changed:
        raise Conflict(_("This import was already confirmed or cancelled."))
    batch.refresh_from_db()
    _forget_personal_data(batch)
    return batch


#: Callers' details are needed only until the row becomes an issue (which keeps them for
#: staff); the staged copy is dropped once a row is processed or the import ends.
PERSONAL_KEYS = ("reporter_name", "reporter_phone")


def _without_personal_data(data: dict) -> dict:
    return {k: v for k, v in data.items() if k not in PERSONAL_KEYS}


def _forget_personal_data(batch: HotlineImport) -> None:
    rows = [r for r in batch.rows.only("id", "data") if any(k in r.data for k in PERSONAL_KEYS)]
    for row in rows:
        row.data = _without_personal_data(row.data)
    HotlineImportRow.objects.bulk_update(rows, ["data"], batch_size=500)


def _import_row(
    row: HotlineImportRow,
    actor: User,
    categories: dict[int, IssueCategory],
    compounds: dict[int, Compound],
) -> Issue:
    data = row.data
    issue = report_issue(
        actor=actor,
        channel=Issue.Channel.HOTLINE,
        description=data["description"],
        compound=compounds[data["compound_id"]],
        location_text=data.get("location_text", "")[:200],
        category=categories.get(data.get("category_id") or 0),
        urgency=data.get("urgency") or "ordinary",
        reporter_name=data.get("reporter_name", ""),
        reporter_phone=data.get("reporter_phone", ""),
        hotline_ticket=row.ticket,
        push_queue=False,  # pushed once per chunk (import_next_chunk)
        push_page=False,  # a brand-new issue's page has no listener yet
    )
    # The issue was received when the citizen called 12345, not when we imported it:
    # monthly counts and the response clock follow the call (docs/law.md §6). Stored for
    # the whole chunk at its end (one statement), still inside its transaction.
    issue.created_at = datetime.fromisoformat(data["called_at"])
    return issue


@transaction.atomic
def import_next_chunk(*, batch: HotlineImport, actor: User, size: int = CHUNK) -> HotlineImport:
    """Import the next ``size`` valid rows; returns the batch with its progress."""
    _require_owner(actor, batch)
    locked = HotlineImport.objects.select_for_update().get(pk=batch.pk)
    if locked.status != B.IMPORTING:
        return locked
    rows = list(locked.rows.filter(status=R.VALID).order_by("line")[:size])
    compound_ids = {r.data.get("compound_id") for r in rows}
    category_ids = {r.data.get("category_id") for r in rows if r.data.get("category_id")}
    compounds = Compound.objects.select_related("community__residents_committee").in_bulk(
        [c for c in compound_ids if c]
    )
    categories = IssueCategory.objects.in_bulk(list(category_ids))
    taken = set(
        Issue.objects.filter(hotline_ticket__in=[r.ticket for r in rows]).values_list(
            "hotline_ticket", flat=True
        )
    )
    for row in rows:
        if row.ticket in taken:
            row.status = R.SKIPPED
            row.messages = [*row.messages, _("Imported meanwhile by someone else: skipped.")]
        else:
            try:
                with transaction.atomic():
                    row.issue = _import_row(row, actor, categories, compounds)
                row.status = R.IMPORTED
                taken.add(row.ticket)
            except IntegrityError:
                row.status = R.SKIPPED
                row.messages = [*row.messages, _("Imported meanwhile by someone else: skipped.")]
            except (PermissionDenied, InvalidInput, ValueError, KeyError):
                row.status = R.SKIPPED
                row.messages = [*row.messages, _("Could not be imported: skipped.")]
        row.data = _without_personal_data(row.data)
        locked.processed += 1
        if row.status == R.IMPORTED:
            locked.imported += 1
        else:
            locked.skipped += 1
    # The chunk's rows and its issues' call times in one statement each, not one per row.
    HotlineImportRow.objects.bulk_update(rows, ["status", "messages", "issue", "data"])
    Issue.objects.bulk_update([r.issue for r in rows if r.issue is not None], ["created_at"])
    # One push of each touched committee's triage queue per chunk, not one per row.
    touched = {r.data.get("compound_id") for r in rows if r.status == R.IMPORTED}
    for compound_id in sorted(c for c in touched if c):
        push_triage_queue(compounds[compound_id], actor=actor)
    fields = ["processed", "imported", "skipped"]
    if not locked.rows.filter(status=R.VALID).exists():
        _forget_personal_data(locked)
        locked.status = B.DONE
        locked.finished_at = timezone.now()
        fields += ["status", "finished_at"]
    locked.save(update_fields=fields)
    _push_progress(locked, actor)
    return locked


def _push_progress(batch: HotlineImport, actor: User) -> None:
    """The importer's open pages fetch the progress again (the bar, the counters, "done");
    at the end their controls too, where nothing is left to do. The import runs in a job,
    so these markers are all that moves the page (``deliberation.tasks.hotline``)."""
    if not batch.uploaded_by_id:
        return
    home = topic("user", batch.uploaded_by_id, "home")
    record_event(
        topic=home,
        kind="refetch",
        template=REFETCH_TEMPLATE,
        context={"url": reverse("hotline-progress", args=[batch.pk]), "target": "import-live"},
        actor=actor,
    )
    if batch.status == B.DONE:
        refresh_controls(kind="hotline_import", pk=batch.pk, topics=[home], actor=actor)
