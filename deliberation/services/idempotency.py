"""Do a creation once per submission key: a double-clicked form (or a retried request)
gets the first result back instead of a second copy."""

from __future__ import annotations

from collections.abc import Callable

from django.db import IntegrityError, models, transaction

from deliberation.models import IdempotencyKey


def create_once(*, scope: str, key: str, create: Callable[[], models.Model]) -> tuple[int, bool]:
    """``(id, created)``: run ``create`` unless ``key`` was already used in ``scope``.

    The key is claimed first, in the same transaction as the creation: a concurrent
    duplicate waits on the unique index until the first commits (then finds its result)
    or rolls back (then creates). An empty key means the client sent none: no deduplication.
    """
    if not key:
        return create().pk, True
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = IdempotencyKey.objects.create(scope=scope, key=key)
        except IntegrityError:
            first = IdempotencyKey.objects.get(scope=scope, key=key)
            if first.result_id is None:  # cannot happen: claim and result commit together
                raise
            return first.result_id, False
        result = create()
        claim.result_id = result.pk
        claim.save(update_fields=["result_id"])
        return result.pk, True
