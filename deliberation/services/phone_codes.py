"""One-time codes sent by SMS: proving a phone number at registration and password reset.

A code lives in the cache (Redis when there is one), hashed, for ten minutes and five
tries. Every answer is the same whether or not the number has an account (no account
enumeration): a number that already has one gets, instead of a registration code, an SMS
telling its owner so; the page says "if the number can receive SMS, a code is on its way"
either way.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _

from deliberation import outbound, rate_limits
from deliberation.errors import InvalidInput

#: mainland mobile numbers: 11 digits starting with 1 (a leading +86 is dropped)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
CODE_LIFETIME = 600
log = logging.getLogger("yishi.accounts")
MAX_TRIES = 5


class TooManyRequests(Exception):
    """Over a code or sign-up budget: answer 429 with ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def normalize_phone(raw: str) -> str:
    """Digits only, without +86; raises ``InvalidInput`` unless a mainland mobile number."""
    digits = re.sub(r"[\s\-()]", "", raw or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not MOBILE.match(digits):
        message = _("Enter a mobile number of 11 digits, such as 13800138000.")
        raise InvalidInput(message, fields={"phone": [message]})
    return digits


def _key(purpose: str, phone: str) -> str:
    digest = hashlib.sha256(f"{purpose}:{phone}".encode()).hexdigest()[:32]
    return f"phonecode:{settings.RATE_LIMIT_NAMESPACE}:{digest}"


def _hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), "sha256").hexdigest()


def spend_budget(purpose: str, phone: str, client: str) -> None:
    """Count one code request against the number's and the client's budgets."""
    budgets = settings.YISHI_ACCOUNT_RATE_LIMITS
    for bucket, who in ((f"code-phone:{purpose}", phone), (f"code-client:{purpose}", client)):
        retry = rate_limits.spend(bucket, who, budgets[bucket.split(":")[0]])
        if retry is not None:
            raise TooManyRequests(retry)


def send_code(purpose: str, phone: str, text: str) -> None:
    """Make a fresh code for ``phone`` and send ``text`` (with ``%(code)s``) by SMS."""
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_key(purpose, phone), {"hash": _hash(code), "tries": 0}, CODE_LIFETIME)
    send_sms(phone, text % {"code": code}, key=f"code:{purpose}:{secrets.token_hex(8)}")


def send_sms(phone: str, body: str, *, key: str) -> None:
    """One SMS now, tried twice (a person is waiting for it). A failure is not shown: the
    page's answer must not differ by number, and "no code came? ask again" covers it."""
    message = outbound.OutboundMessage(channel="sms", to=phone, body=body, key=key)
    for _attempt in range(2):
        try:
            outbound.send(message)
        except outbound.DeliveryFailed:
            log.warning("SMS %s not delivered, attempt %s", key, _attempt + 1)
            continue
        except outbound.DeliveryRefused:
            log.warning("SMS %s refused by the provider", key)
        return


def check_code(purpose: str, phone: str, code: str) -> bool:
    """Whether ``code`` is the live code of ``phone``; a code works once, five tries."""
    key = _key(purpose, phone)
    stored = cache.get(key)
    if not stored:
        return False
    if hmac.compare_digest(stored["hash"], _hash((code or "").strip())):
        cache.delete(key)
        return True
    stored["tries"] += 1
    if stored["tries"] >= MAX_TRIES:
        cache.delete(key)
    else:
        cache.set(key, stored, CODE_LIFETIME)
    return False
