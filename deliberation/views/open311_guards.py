"""What the Open311 API checks before any query: text PostgreSQL can store, dates it can
compare, budgets per client address and per key, and the key that makes a POST retry safe.

Every refusal is an ``ApiError``, which the API answers as the spec's error array.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from deliberation.models import ApiKey
from deliberation.rate_limits import exhausted, spend
from deliberation.services.open311_keys import check_api_key

#: A NUL byte (PostgreSQL refuses it in text) or a lone surrogate (not encodable as UTF-8;
#: only a JSON body can carry one).
UNSTORABLE_RE = re.compile("[\x00\ud800-\udfff]")
#: Dates outside these years are refused: the ends of the calendar overflow when converted
#: between time zones, and no request is that old or that far ahead.
FIRST_YEAR, LAST_YEAR = 1900, 2999
IDEMPOTENCY_KEY_RE = re.compile(r"[!-~]{1,100}")


class ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


# --- text and dates --------------------------------------------------------------------------


def check_storable(name: str, value: str) -> None:
    if UNSTORABLE_RE.search(name) or UNSTORABLE_RE.search(value):
        shown = UNSTORABLE_RE.sub("", name)[:40]
        raise ApiError(
            400,
            _("%(field)s contains a character that is not text (a NUL byte).") % {"field": shown},
        )


def check_query(request: HttpRequest, path_values: dict[str, Any]) -> None:
    """The query string and the URL's own parts, before they reach a query."""
    for name, values in request.GET.lists():
        for value in values:
            check_storable(name, value)
    for name, value in path_values.items():
        check_storable(name, str(value))


def parse_moment(name: str, value: str) -> datetime:
    """A W3C date-time (or a date) as an aware datetime; anything else is a 400."""
    malformed = ApiError(
        400,
        _("%(field)s is not a W3C date-time (2026-11-03T09:15:00+08:00).") % {"field": name},
    )
    try:
        moment = parse_datetime(value)  # raises ValueError for 2026-13-45 or +99:00
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise malformed
            moment = datetime(day.year, day.month, day.day)
    except ValueError as exc:
        raise malformed from exc
    # Checked before any conversion: 0001-01-01T00:00:00+08:00 has no UTC time.
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ApiError(
            400,
            _("%(field)s must lie between the years %(first)s and %(last)s.")
            % {"field": name, "first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


# --- budgets ---------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The address the login lockout uses too (axes: proxy-aware when configured)."""
    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _too_many(retry_after: int) -> ApiError:
    return ApiError(
        429,
        _("Too many requests: try again in %(seconds)s seconds.") % {"seconds": retry_after},
        retry_after=retry_after,
    )


def throttle(bucket: str, who: str) -> None:
    """Count a request against ``OPEN311_RATE_LIMITS[bucket]``; over budget, a 429."""
    retry_after = spend(bucket, who, settings.OPEN311_RATE_LIMITS[bucket])
    if retry_after is not None:
        raise _too_many(retry_after)


def throttle_anonymous_read(request: HttpRequest) -> None:
    if request.method in ("GET", "HEAD") and not request.GET.get("api_key"):
        throttle("read", client_address(request))


def checked_key(request: HttpRequest, raw: str, bucket: str) -> ApiKey:
    """The active key for ``raw``, counted against ``bucket``. Wrong keys count against the
    client address, which may then try no key until its window ends (guessing is slow)."""
    address = client_address(request)
    blocked = exhausted("wrong_key", address, settings.OPEN311_RATE_LIMITS["wrong_key"])
    if blocked is not None:
        raise _too_many(blocked)
    key = check_api_key(raw)
    if key is None:
        spend("wrong_key", address, settings.OPEN311_RATE_LIMITS["wrong_key"])
        raise ApiError(403, _("The api_key is not valid."))
    throttle(bucket, f"key:{key.pk}")
    return key


# --- retries ---------------------------------------------------------------------------------


def request_identity(request: HttpRequest, fields: dict[str, str]) -> tuple[str, str, timedelta]:
    """(idempotency key, fingerprint of the body, how long a retry is recognised). With an
    ``Idempotency-Key`` header the client names the request; without one, the same body
    from the same API key within ``OPEN311_DUPLICATE_WINDOW`` is a retry."""
    body = {k: v for k, v in fields.items() if k != "api_key"}
    canonical = json.dumps(body, ensure_ascii=False, sort_keys=True)
    fingerprint = hashlib.sha256(canonical.encode()).hexdigest()
    header = request.headers.get("Idempotency-Key")
    if header is None:
        window = timedelta(seconds=settings.OPEN311_DUPLICATE_WINDOW)
        return f"body:{fingerprint}", fingerprint, window
    if not IDEMPOTENCY_KEY_RE.fullmatch(header):
        raise ApiError(400, _("Idempotency-Key must be 1 to 100 visible ASCII characters."))
    return f"key:{header}", fingerprint, timedelta(seconds=settings.OPEN311_IDEMPOTENCY_TTL)
