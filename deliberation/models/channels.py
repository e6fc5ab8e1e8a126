"""Channels other than our own forms: 12345 hotline imports and Open311 API keys.

A ``HotlineImport`` is a staged upload: every row is parsed and validated into a
``HotlineImportRow`` for the preview; nothing becomes an issue until the user confirms, and
then the valid rows are imported in chunks (the progress bar follows ``processed``).
An ``ApiKey`` lets an outside system post Open311 service requests; only a hash is kept.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HotlineImport(models.Model):
    class Status(models.TextChoices):
        PREVIEW = "preview", pgettext_lazy("channels", "preview")
        IMPORTING = "importing", pgettext_lazy("channels", "importing")
        DONE = "done", pgettext_lazy("channels", "done")
        CANCELLED = "cancelled", pgettext_lazy("channels", "cancelled")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="hotline_imports",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file name"), max_length=200)
    status = models.CharField(
        pgettext_lazy("channels", "status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PREVIEW,
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    to_import = models.PositiveIntegerField(_("rows to import"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    imported = models.PositiveIntegerField(_("rows imported"), default=0)
    skipped = models.PositiveIntegerField(_("rows skipped at import"), default=0)
    created_at = models.DateTimeField(pgettext_lazy("channels", "uploaded"), auto_now_add=True)
    confirmed_at = models.DateTimeField(
        pgettext_lazy("time of", "confirmed"), null=True, blank=True
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("12345 hotline import")
        verbose_name_plural = _("12345 hotline imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def percent(self) -> int:
        if not self.to_import:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, self.processed * 100 // self.to_import)


class HotlineImportRow(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", pgettext_lazy("channels", "valid")
        INVALID = "invalid", pgettext_lazy("channels", "invalid")
        DUPLICATE = "duplicate", pgettext_lazy("channels", "duplicate")
        IMPORTED = "imported", pgettext_lazy("channels", "imported")
        SKIPPED = "skipped", pgettext_lazy("channels", "skipped")

    batch = models.ForeignKey(HotlineImport, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line"))
    ticket = models.CharField(_("12345 ticket number"), max_length=64, blank=True)
    status = models.CharField(
        pgettext_lazy("channels", "status"), max_length=16, choices=Status.choices
    )
    #: Cleaned values: called_at (ISO), description, compound_id, location_text,
    #: category_id, urgency, reporter_name, reporter_phone.
    data = models.JSONField(default=dict, blank=True)
    messages = models.JSONField(default=list, blank=True)
    issue = models.ForeignKey(
        "deliberation.Issue", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hotline import row")
        verbose_name_plural = _("hotline import rows")
        ordering = ["batch", "line"]
        indexes = [models.Index(fields=["batch", "status", "line"], name="hotline_row_batch")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.ticket}"


def hash_api_key(raw: str) -> str:
    """Keys are long random strings, so a plain SHA-256 is enough (no brute force)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiKey(models.Model):
    """An Open311 client. ``account`` is the service account requests are filed as; its
    organization memberships decide (through policy) which compounds it may report on."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("owner organization"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_keys",
        verbose_name=_("service account"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(pgettext_lazy("channels", "created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_key(self, raw: str) -> None:
        self.prefix = raw[:8]
        self.key_hash = hash_api_key(raw)


class Open311Submission(models.Model):
    """What an Open311 client sent beyond the issue itself. Contact details stay here, for
    staff only; ``media_url`` and ``service_notice`` are public in the API."""

    issue = models.OneToOneField(
        "deliberation.Issue", on_delete=models.CASCADE, related_name="open311"
    )
    api_key = models.ForeignKey(
        ApiKey, on_delete=models.SET_NULL, null=True, related_name="submissions"
    )
    email = models.EmailField(_("email"), blank=True)
    device_id = models.CharField(_("device id"), max_length=100, blank=True)
    account_id = models.CharField(_("account id"), max_length=100, blank=True)
    media_url = models.URLField(_("media URL"), max_length=500, blank=True)
    service_notice = models.CharField(_("service notice"), max_length=300, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("channels", "created"), auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 submission")
        verbose_name_plural = _("Open311 submissions")

    def __str__(self) -> str:
        return f"#{self.issue_id}"
