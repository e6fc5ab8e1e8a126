"""Who is calling the JSON API: an organization's API key (the Open311 keys: one per client
system, its service account a staff member of the organization), sent as
``Authorization: Bearer <key>``.

The key's account is the user every policy rule is asked about, so a key sees and does
exactly what a staff member of its organization may on the pages. Budgets are Open311's
(``OPEN311_RATE_LIMITS``), counted per key: reads against ``key_read``, actions against
``post``; wrong keys against the client address (``wrong_key``), after which that address
may try no key until its window ends.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from deliberation.models import ApiKey
from deliberation.rate_limits import exhausted, spend
from deliberation.services.open311_keys import check_api_key
from deliberation.views.open311_guards import ApiError, client_address, throttle


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429,
        _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after},
        retry_after=retry_after,
    )


class OrganizationKey(HttpBearer):
    """``request.auth`` is the ``ApiKey``; None (→ 401) for a missing or wrong key."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        address = client_address(request)
        budget = settings.OPEN311_RATE_LIMITS["wrong_key"]
        blocked = exhausted("wrong_key", address, budget)
        if blocked is not None:
            raise _too_many(blocked)
        key = check_api_key(token.strip())
        if key is None:
            spend("wrong_key", address, budget)
            return None
        bucket = "key_read" if request.method in ("GET", "HEAD") else "post"
        throttle(bucket, f"key:{key.pk}")
        return key


def account_of(request: HttpRequest) -> Any:
    """The service account the policy is asked about."""
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    return key.account
