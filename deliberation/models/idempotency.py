"""Keys that make a repeated submission (a double click, a client's retry) answer with what
the first one created instead of creating it again."""

from __future__ import annotations

from django.db import models


class IdempotencyKey(models.Model):
    """One row per (scope, key): the unique constraint makes concurrent duplicates queue on
    the index and lose to the first; ``result_id`` is what that first one created."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=64)
    result_id = models.BigIntegerField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
