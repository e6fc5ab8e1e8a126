"""Idempotency keys: a retried request (a lost answer, a double click) finds the result of
the first one instead of creating a second. Generic on purpose: ``scope`` names who sent it
(``open311:<api key id>``, a form and its user), ``key`` the request."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IdempotencyKey(models.Model):
    scope = models.CharField(_("scope"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    #: A hash of what was sent: the same key with a different request is refused.
    fingerprint = models.CharField(max_length=64)
    #: The primary key of what the first request created (set in the same transaction).
    result_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
