"""The evidence ledger: honours, penalties, inspection findings and commitments that change
an organization's evaluation score (docs/law.md §9).

The subdistrict records every kind; a community's committees record honours, inspection
findings and commitments for the compounds of their community, never penalties (those come
from the authorities, through the subdistrict). Each entry's points must lie in the range
the method in force allows for its kind — the method of the cycle covering its date, else
the default — and only a penalty can be a serious breach. An attachment is checked like a
photo: its first bytes decide its type (PDF, JPEG, PNG or WebP), pictures are re-encoded
without their metadata, and it may be at most 10 MB. Withdrawing keeps the entry visible
(struck through) with when it was withdrawn; it simply stops counting.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, Forbidden, InvalidInput
from deliberation.evaluation_method import DEFAULT_METHOD
from deliberation.models import Compound, EvaluationCycle, EvidenceEntry, Organization
from deliberation.photos import reencode, sniff
from deliberation.policy.principal import COMMUNITY_KINDS, load_principal
from deliberation.services.stored_files import files_removed_on_rollback, save_file

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: Content type by file extension, for serving what we stored under our own name.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
K = EvidenceEntry.Kind


def method_for(subdistrict_id: int, day: date) -> dict[str, Any]:
    """The method of the cycle covering ``day`` (its half-year), else the default."""
    cycle = EvaluationCycle.objects.filter(
        subdistrict_id=subdistrict_id, year=day.year, half=1 if day.month <= 6 else 2
    ).first()
    return cycle.method if cycle else DEFAULT_METHOD


def recordable_kinds(user: Any) -> list[str]:
    """The kinds this person may record: all for the subdistrict, else all but penalties."""
    if load_principal(user).is_subdistrict:
        return [k.value for k in K]
    return [K.HONOUR, K.INSPECTION, K.COMMITMENT]


def recordable_compounds(user: Any, organization: Organization) -> QuerySet[Compound]:
    """The organization's compounds this person may record for (the subdistrict: all)."""
    served = Compound.objects.filter(property_provider=organization).order_by("name")
    principal = load_principal(user)
    if principal.is_subdistrict:
        return served
    mine = [c for c in principal.served_compounds if principal.serves(c, *COMMUNITY_KINDS)]
    return served.filter(pk__in=mine)


def check_attachment(upload: UploadedFile) -> tuple[UploadedFile, str]:
    """The upload as it will be stored and its extension; ValidationError when refused."""
    if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(mb)d MB.")
            % {"name": upload.name, "mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
            code="attachment_too_large",
        )
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return upload, "pdf"
    found = sniff(upload)
    if found is None:
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG, PNG or WebP file.") % {"name": upload.name},
            code="attachment_type",
        )
    content_type, ext = found
    return reencode(upload, content_type, ext), ext


def _points_error(method: dict[str, Any], kind: str, points: Decimal) -> str:
    rule = method["evidence"]["kinds"][kind]
    low, high = Decimal(str(rule["min"])), Decimal(str(rule["max"]))
    if low <= points <= high:
        return ""
    return _("For this kind the points must lie between %(low)s and %(high)s.") % {
        "low": f"{low.normalize():f}",
        "high": f"{high.normalize():f}",
    }


def record_evidence(
    *,
    by: Any,
    organization: Organization,
    kind: str,
    title: str,
    source: str,
    occurred_on: date,
    points: Decimal,
    compound: Compound | None = None,
    description: str = "",
    expires_on: date | None = None,
    serious: bool = False,
    attachment: UploadedFile | None = None,
) -> EvidenceEntry:
    """Enter one item in the organization's ledger."""
    if not policy.can(by, "evidence.record", organization):
        raise Forbidden("evidence.record")
    errors: dict[str, list[str]] = {}
    if kind not in recordable_kinds(by):
        errors["kind"] = [_("You may not record this kind of evidence.")]
    allowed = recordable_compounds(by, organization)
    if compound is not None and not allowed.filter(pk=compound.pk).exists():
        errors["compound"] = [_("Choose one of the compounds this organization serves.")]
    if compound is None and not load_principal(by).is_subdistrict:
        errors["compound"] = [_("Choose the compound this is about.")]
    if serious and kind != K.PENALTY:
        errors["serious"] = [_("Only a penalty can be a serious breach.")]
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    if expires_on is not None and expires_on < occurred_on:
        errors["expires_on"] = [_("The expiry cannot be before the date.")]
    if kind in K.values:
        method = method_for(organization.subdistrict_id, occurred_on)
        message = _points_error(method, kind, points)
        if message:
            errors["points"] = [message]
    stored: tuple[UploadedFile, str] | None = None
    if attachment is not None and not errors:
        try:
            stored = check_attachment(attachment)
        except ValidationError as exc:
            errors["attachment"] = list(exc.messages)
    if errors:
        raise InvalidInput(_("The entry could not be recorded."), fields=errors)
    with files_removed_on_rollback():
        entry = EvidenceEntry(
            organization=organization,
            compound=compound,
            kind=kind,
            title=title,
            description=description,
            source=source,
            occurred_on=occurred_on,
            expires_on=expires_on,
            points=points,
            serious=serious,
            entered_by=by,
        )
        if stored is not None:
            upload, ext = stored
            save_file(entry.attachment, f"evidence.{ext}", upload)
        entry.save()
    return entry


def withdraw_evidence(*, by: Any, entry: EvidenceEntry) -> EvidenceEntry:
    """Stop an entry counting; it stays in the ledger, marked as withdrawn."""
    if not policy.can(by, "evidence.withdraw", entry):
        raise Forbidden("evidence.withdraw")
    with transaction.atomic():
        locked = EvidenceEntry.objects.select_for_update().get(pk=entry.pk)
        if locked.withdrawn_at is not None:
            raise Conflict(_("This entry has already been withdrawn."))
        locked.withdrawn_at = timezone.now()
        locked.save(update_fields=["withdrawn_at"])
    return locked
