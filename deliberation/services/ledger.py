"""Keeping a compound's public-revenue ledger (公共收益): entering income and spending with
receipts, approving them as the compound's rules say, and publishing quarters.

Each write locks the compound's row first, so that an approval and a publication of the
same compound never interleave: a published quarter cannot gain an entry after its
figures were frozen (docs/law.md §11). A retried entry form (same idempotency key) finds the
entry the first one made; of two approvals of one entry, one wins and the other is a 409.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.law import owners_votes as vote_law
from deliberation.law.ledger import MAX_AMOUNT, Quarter, needs_owners_vote
from deliberation.models import (
    Compound,
    LedgerAttachment,
    LedgerEntry,
    LedgerPublication,
    LedgerRules,
    Matter,
    Organization,
    OwnersVote,
)
from deliberation.policy.ledger import recording_for
from deliberation.policy.principal import load_principal
from deliberation.selectors import ledger as read

from .idempotency import KeyReused, claim_key, record_result
from .stored_files import files_removed_on_rollback, save_file

E = LedgerEntry
#: how long a retried entry form finds its first entry
KEY_LIFETIME = timedelta(days=1)


@dataclass(frozen=True)
class EntrySpec:
    direction: str
    category: str
    amount: Decimal
    occurred_on: date
    description: str
    counterparty: str = ""
    corrects: LedgerEntry | None = None

    def fingerprint(self) -> str:
        text = "|".join(
            [
                self.direction,
                self.category,
                f"{self.amount:.2f}",
                self.occurred_on.isoformat(),
                self.description,
                self.counterparty,
                str(self.corrects.pk if self.corrects else ""),
            ]
        )
        return hashlib.sha256(text.encode()).hexdigest()


INCOME_CATEGORIES = frozenset(
    {E.Category.PARKING, E.Category.ADVERTISING, E.Category.RENT, E.Category.OTHER_INCOME}
)
SPENDING_CATEGORIES = frozenset(E.Category) - INCOME_CATEGORIES


def _lock(compound: Compound) -> Compound:
    return Compound.objects.select_for_update().get(pk=compound.pk)


def _check(spec: EntrySpec, compound: Compound, today: date) -> None:
    """Refuse what no ledger may hold (docs/law.md §11), field by field."""
    errors: dict[str, list[str]] = {}
    is_income = spec.direction == E.Direction.INCOME
    if (spec.category in INCOME_CATEGORIES) != is_income:
        errors["category"] = [_("This category does not fit the kind of entry.")]
    if not Decimal("0.01") <= spec.amount <= MAX_AMOUNT:
        errors["amount"] = [
            _("Enter an amount between 0.01 and %(max)s yuan.") % {"max": f"{MAX_AMOUNT:,.2f}"}
        ]
    if spec.occurred_on > today:
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    else:
        last = read.last_published(compound)
        if last is not None and Quarter.of(spec.occurred_on) <= last:
            errors["occurred_on"] = [
                _(
                    "%(quarter)s is already published and cannot change; date the entry in an "
                    "open quarter and name the entry it corrects."
                )
                % {"quarter": str(Quarter.of(spec.occurred_on))}
            ]
    if spec.corrects is not None and spec.corrects.compound_id != compound.pk:
        errors["corrects"] = [_("Choose an entry of this compound.")]
    if errors:
        raise InvalidInput(_("The entry was not recorded."), fields=errors)


def record_entry(
    *,
    actor: Any,
    compound: Compound,
    organization: Organization,
    spec: EntrySpec,
    receipts: Sequence[tuple[UploadedFile, str]] = (),
    key: str = "",
    today: date | None = None,
) -> tuple[LedgerEntry, bool]:
    """Enter income or spending for ``organization``; spending above the compound's
    threshold waits for an owners' vote. Returns the entry and whether it is new (False:
    the same form was sent again, and this is the entry it made the first time)."""
    policy.require(actor, "ledger.record", compound)
    if organization.pk not in recording_for(load_principal(actor), compound):
        message = _("Enter it for an organization of yours that keeps this ledger.")
        raise InvalidInput(message, fields={"organization": [message]})
    today = today or timezone.localdate()
    with files_removed_on_rollback():
        compound = _lock(compound)
        row = None
        if key:
            try:
                row, earlier = claim_key(
                    scope=f"ledger:{actor.pk}",
                    key=key,
                    fingerprint=spec.fingerprint(),
                    ttl=KEY_LIFETIME,
                )
            except KeyReused as exc:
                raise Conflict(
                    _("This form was already sent with different figures; reload the page.")
                ) from exc
            if earlier is not None:
                return E.objects.get(pk=earlier), False
        _check(spec, compound, today)
        threshold = read.vote_threshold(compound)
        to_vote = spec.direction == E.Direction.SPENDING and needs_owners_vote(
            spec.amount, threshold
        )
        entry = E.objects.create(
            compound=compound,
            direction=spec.direction,
            category=spec.category,
            amount=spec.amount,
            occurred_on=spec.occurred_on,
            description=spec.description,
            counterparty=spec.counterparty,
            corrects=spec.corrects,
            status=E.Status.AWAITING_VOTE if to_vote else E.Status.PENDING,
            recorded_by=actor,
            recorded_for=organization,
        )
        for upload, content_type in receipts:
            receipt = LedgerAttachment(entry=entry, content_type=content_type)
            save_file(receipt.file, upload.name or "receipt", upload)
            receipt.save()
        if row is not None:
            record_result(row, entry.pk)
    return entry, True


def _locked_entry(entry: LedgerEntry) -> LedgerEntry:
    _lock(entry.compound)
    return (
        E.objects.select_related("compound", "matter__vote")
        .select_for_update(of=("self",))
        .get(pk=entry.pk)
    )


def _undecided_or_conflict(entry: LedgerEntry) -> None:
    if entry.status in (E.Status.APPROVED, E.Status.REJECTED):
        raise Conflict(
            _("Entry #%(id)s was already %(status)s.")
            % {"id": entry.pk, "status": entry.get_status_display()}
        )


def vote_carried(entry: LedgerEntry) -> bool:
    """Has the linked owners' decision passed and been published? (no query when the
    loader joined the matter and its vote)"""
    return entry.matter is not None and vote_carried_matter(entry.matter)


def vote_carried_matter(matter: Matter) -> bool:
    return (
        matter.outcome == vote_law.Outcome.PASSED
        and matter.vote.status == OwnersVote.Status.PUBLISHED
    )


def approve_entry(*, actor: Any, entry: LedgerEntry) -> LedgerEntry:
    """Count the entry in the ledger. A spending above the threshold needs its owners'
    decision passed first (docs/law.md §11)."""
    policy.require(actor, "ledger.decide", entry)
    entry = _locked_entry(entry)
    _undecided_or_conflict(entry)
    if entry.status == E.Status.AWAITING_VOTE and not vote_carried(entry):
        raise Conflict(
            _("This spending needs an owners' decision that has passed and been published.")
        )
    entry.status = E.Status.APPROVED
    entry.decided_by, entry.decided_at = actor, timezone.now()
    entry.save(update_fields=["status", "decided_by", "decided_at"])
    return entry


def reject_entry(*, actor: Any, entry: LedgerEntry, reason: str) -> LedgerEntry:
    policy.require(actor, "ledger.decide", entry)
    entry = _locked_entry(entry)
    _undecided_or_conflict(entry)
    entry.status = E.Status.REJECTED
    entry.decided_by, entry.decided_at, entry.decision_note = actor, timezone.now(), reason
    entry.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return entry


def link_decision(*, actor: Any, entry: LedgerEntry, matter: Matter) -> LedgerEntry:
    """Name the owners' decision (a matter of a vote in the compound) the spending waits for."""
    policy.require(actor, "ledger.record", entry.compound)
    entry = _locked_entry(entry)
    if entry.status != E.Status.AWAITING_VOTE:
        raise Conflict(_("Only a spending waiting for an owners' vote is linked to one."))
    if matter.vote.compound_id != entry.compound_id:
        raise InvalidInput(
            _("Choose a matter voted in this compound."),
            fields={"matter": [_("Choose a matter voted in this compound.")]},
        )
    entry.matter = matter
    entry.save(update_fields=["matter"])
    return entry


def adopt_rules(
    *, actor: Any, compound: Compound, threshold: Decimal, matter: Matter
) -> LedgerRules:
    """Record the threshold the owners adopted for spending public revenue, citing the
    passed and published decision (docs/law.md §11); applies to entries entered from now."""
    policy.require(actor, "ledger.publish", compound)
    if matter.vote.compound_id != compound.pk or not vote_carried_matter(matter):
        message = _("Choose a decision of this compound's owners that passed and was published.")
        raise InvalidInput(message, fields={"adopted_by": [message]})
    if not Decimal("0") <= threshold <= MAX_AMOUNT:
        message = _("Enter an amount between 0.01 and %(max)s yuan.") % {
            "max": f"{MAX_AMOUNT:,.2f}"
        }
        raise InvalidInput(message, fields={"vote_threshold": [message]})
    _lock(compound)
    rules, _created = LedgerRules.objects.update_or_create(
        compound=compound, defaults={"vote_threshold": threshold, "adopted_by": matter}
    )
    return rules


def publish_quarter(*, actor: Any, compound: Compound, today: date | None = None) -> Any:
    """Publish the next quarter once it has ended, with nothing in it left undecided; its
    figures are frozen in the publication (docs/law.md §11)."""
    policy.require(actor, "ledger.publish", compound)
    today = today or timezone.localdate()
    _lock(compound)
    state = read.with_publication_state(Compound.objects.filter(pk=compound.pk)).get()
    quarter = read.next_quarter(state)
    if quarter is None or not quarter.has_ended(today):
        raise Conflict(_("No quarter is due for publication yet."))
    open_entries = read.undecided(compound).filter(
        occurred_on__gte=quarter.first_day, occurred_on__lte=quarter.last_day
    )
    waiting = open_entries.count()
    if waiting:
        raise Conflict(
            _("%(quarter)s still has %(n)d entries to approve or reject before it is published.")
            % {"quarter": str(quarter), "n": waiting}
        )
    figures = {f.quarter: f for f in read.quarter_figures(compound, until=quarter)}
    fig = figures.get(quarter) or read.QuarterFigures(quarter)
    return LedgerPublication.objects.create(
        compound=compound,
        year=quarter.year,
        quarter=quarter.number,
        opening_balance=fig.opening,
        income=fig.income,
        spending=fig.spending,
        closing_balance=fig.closing,
        lines=[[d, c, f"{t:.2f}"] for d, c, t in fig.lines],
        published_by=actor,
    )
