"""django-axes' database handler with an address-wide limit against password spraying.

axes locks a (username, client address) pair after ``AXES_FAILURE_LIMIT`` failures, so a
stranger cannot lock the owner out from elsewhere; but someone trying four passwords on
each of many accounts never reaches that limit. Here all failures from one address within
the cool-off window count too: at ``YISHI_LOGIN_ADDRESS_FAILURE_LIMIT`` the address is
locked like a pair is (same 429 page, same hour). The limit is higher than the per-account
one because a compound's residents may share one public address. ``lockout_response`` is
that 429 page, saying when the person may try again.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


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


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """axes' lockout page, saying *when* the person may try again (axes only knows how long
    the lock lasts, not since when): the last failure that counts, plus the cool-off."""
    address = getattr(request, "axes_ip_address", None)
    recent = AccessAttempt.objects.filter(
        ip_address=address, attempt_time__gte=get_cool_off_threshold(request)
    )
    if address_failures(request, address or "") < settings.YISHI_LOGIN_ADDRESS_FAILURE_LIMIT:
        # Locked as a (username, address) pair: that pair's last failure decides.
        recent = recent.filter(username=get_client_username(request, credentials))
    last = recent.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "retry_at": last + (get_cool_off(request) or timedelta(0)),
    }
    return render(request, "registration/locked.html", context, status=429)
