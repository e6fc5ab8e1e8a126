"""Claiming an idempotency key, so that a retried request gets the first one's result.

Call ``claim_key`` inside the transaction that creates the result and ``record_result``
before it commits. On PostgreSQL a concurrent duplicate's insert waits on the unique index
until the first transaction ends: it then finds the committed key and its result (or, if
the first rolled back, claims the key itself). Either way exactly one result exists.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import models, transaction
from django.utils import timezone

from deliberation.models import IdempotencyKey
from deliberation.periodic import periodic


class KeyReused(Exception):
    """The key was already used, within its lifetime, for a different request."""


def claim_key(
    *, scope: str, key: str, fingerprint: str, ttl: timedelta
) -> tuple[IdempotencyKey, int | None]:
    """The key's row, locked for this transaction, and the id of what an earlier request
    with this key created (None: this request is the first, or the earlier one expired)."""
    assert transaction.get_connection().in_atomic_block, "claim_key needs a transaction"
    now = timezone.now()
    row, created = IdempotencyKey.objects.get_or_create(
        scope=scope, key=key, defaults={"fingerprint": fingerprint, "created_at": now}
    )
    if created:
        return row, None
    row = IdempotencyKey.objects.select_for_update().get(pk=row.pk)
    if row.result_id is None or row.created_at < now - ttl:
        row.fingerprint, row.created_at, row.result_id = fingerprint, now, None
        row.save(update_fields=["fingerprint", "created_at", "result_id"])
        return row, None
    if row.fingerprint != fingerprint:
        raise KeyReused(key)
    return row, row.result_id


def record_result(row: IdempotencyKey, result_id: int) -> None:
    row.result_id = result_id
    row.save(update_fields=["result_id"])


def purge_expired(*, scope_prefix: str, older_than: timedelta) -> int:
    """Forget the keys of scopes starting with ``scope_prefix`` that no retry can use any
    more; returns how many."""
    deleted, _per_model = IdempotencyKey.objects.filter(
        scope__startswith=scope_prefix, created_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


#: How long a form's submission key answers with its first result: a double click or a
#: resent form arrives within seconds; a day also covers a phone that retries on reconnect.
FORM_KEY_TTL = timedelta(days=1)


def create_once(*, scope: str, key: str, create: Callable[[], models.Model]) -> tuple[int, bool]:
    """``(id, created)``: run ``create`` unless ``key`` was already used in ``scope``.

    The key is claimed first, in the same transaction as the creation (``claim_key``): a
    concurrent duplicate waits on the unique index until the first commits, then finds its
    result. An empty key means the client sent none: no deduplication.
    """
    if not key:
        return create().pk, True
    with transaction.atomic():
        row, earlier = claim_key(scope=scope, key=key, fingerprint="", ttl=FORM_KEY_TTL)
        if earlier is not None:
            return earlier, False
        result = create()
        record_result(row, result.pk)
        return result.pk, True


@periodic("form_idempotency_purge")
def _purge_form_keys() -> int:
    return purge_expired(scope_prefix="issue.report:", older_than=FORM_KEY_TTL)
