"""The public-revenue ledger (公共收益) of a compound: its rules, entries with receipts, and
the quarters published to the owners. Civil Code art. 282; docs/law.md §11."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.law.ledger import DEFAULT_VOTE_THRESHOLD


class LedgerRules(models.Model):
    """The compound's adopted rules for its public revenue, as far as the ledger applies
    them; a compound without a row follows the defaults (docs/law.md §11)."""

    compound = models.OneToOneField(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="ledger_rules"
    )
    vote_threshold = models.DecimalField(
        _("spending above this needs an owners' vote (yuan)"),
        max_digits=12,
        decimal_places=2,
        default=DEFAULT_VOTE_THRESHOLD,
    )
    adopted_by = models.ForeignKey(
        "deliberation.Matter",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by the owners' decision"),
    )

    class Meta:
        verbose_name = _("public revenue rules")
        verbose_name_plural = _("public revenue rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(vote_threshold__gte=0), name="ledgerrules_threshold_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound}"


class LedgerEntry(models.Model):
    """One income or spending of public revenue, counted once the owners' body approved it."""

    class Direction(models.TextChoices):
        INCOME = "income", _("income")
        SPENDING = "spending", _("spending")

    class Category(models.TextChoices):
        PARKING = "parking", _("parking on common ground")
        ADVERTISING = "advertising", _("advertising")
        RENT = "rent", _("rent of common parts")
        OTHER_INCOME = "other_income", _("other income")
        REPAIRS = "repairs", _("repairs and upkeep of common parts")
        SERVICES = "services", _("services for the owners")
        FEES = "fees", _("bank and management costs")
        OTHER_SPENDING = "other_spending", _("other spending")

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        AWAITING_VOTE = "awaiting_vote", _("awaiting an owners' vote")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="ledger_entries"
    )
    direction = models.CharField(_("income or spending"), max_length=8, choices=Direction.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    occurred_on = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=200)
    counterparty = models.CharField(_("paid by / paid to"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_for = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered for"),
    )
    recorded_at = models.DateTimeField(_("entered"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=200, blank=True)
    #: the owners' decision authorising a spending above the threshold
    matter = models.ForeignKey(
        "deliberation.Matter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_entries",
        verbose_name=_("owners' decision"),
    )
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("corrects entry"),
    )

    class Meta:
        verbose_name = _("public revenue entry")
        verbose_name_plural = _("public revenue entries")
        ordering = ["occurred_on", "id"]
        indexes = [
            models.Index(fields=["compound", "status", "occurred_on"], name="ledger_compound_day")
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledgerentry_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description}"


def ledger_attachment_path(instance: LedgerAttachment, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"ledger/{instance.entry.compound_id}/{uuid.uuid4().hex}.{ext}"


class LedgerAttachment(models.Model):
    """A receipt, invoice or contract for an entry, as a re-encoded picture."""

    entry = models.ForeignKey(LedgerEntry, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(pgettext_lazy("ledger", "receipt"), upload_to=ledger_attachment_path)
    content_type = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.entry_id} {self.file.name}"


class LedgerPublication(models.Model):
    """A quarter published to the owners: its figures frozen as published."""

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="ledger_publications"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    opening_balance = models.DecimalField(_("opening balance"), max_digits=14, decimal_places=2)
    income = models.DecimalField(_("income"), max_digits=14, decimal_places=2)
    spending = models.DecimalField(_("spending"), max_digits=14, decimal_places=2)
    closing_balance = models.DecimalField(_("closing balance"), max_digits=14, decimal_places=2)
    #: [[direction, category, amount as text], …]: the aggregate lines, no names
    lines = models.JSONField(default=list)
    published_at = models.DateTimeField(pgettext_lazy("ledger", "published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("published quarter")
        verbose_name_plural = _("published quarters")
        ordering = ["-year", "-quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "year", "quarter"], name="ledgerpublication_unique_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4),
                name="ledgerpublication_quarter_1_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.year}Q{self.quarter}"
