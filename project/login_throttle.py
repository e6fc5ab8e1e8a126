"""django-axes' database handler with an address-wide limit against password spraying.

axes locks a (username, client address) pair after ``AXES_FAILURE_LIMIT`` failures, so a
stranger cannot lock the owner out from elsewhere; but someone trying four passwords on
each of many accounts never reaches that limit. Here all failures from one address within
the cool-off window count too: at ``YISHI_LOGIN_ADDRESS_FAILURE_LIMIT`` the address is
locked like a pair is (same 429 page, same hour). The limit is higher than the per-account
one because a compound's residents may share one public address.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginThrottleHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        failures: int = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if address and address_failures(request, address) >= (
            settings.YISHI_LOGIN_ADDRESS_FAILURE_LIMIT
        ):
            return max(failures, int(get_failure_limit(request, credentials)))
        return failures


def address_failures(request: HttpRequest, address: str) -> int:
    """Failed logins from ``address`` within the cool-off window, whatever the username."""
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return int(recent.aggregate(total=Sum("failures_since_start"))["total"] or 0)
