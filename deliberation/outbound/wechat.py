"""WeChat Official Account (公众号): binding a person's openid, and template messages.

Two conversations with WeChat, each behind an interface so that tests (and ``make run``,
where api.weixin.qq.com is not reachable) use fakes:

- **Web authorization** (网页授权, scope ``snsapi_base``): :func:`authorize_url` is where a
  person is sent from ``/accounts/wechat/bind/``; WeChat sends them back with a ``code``
  that a :class:`WeChatClient` exchanges for their openid (``sns/oauth2/access_token``).
  :class:`HttpWeChatClient` is the real one; ``recording.FakeWeChatClient`` the fake.
- **Template messages**: a notification kind maps to a template and a layout of its fields
  (``settings.YISHI_WECHAT["templates"]``); the message's
  :meth:`~deliberation.outbound.OutboundMessage.template_payload` is what
  :class:`WeChatTemplateSender` posts to ``cgi-bin/message/template/send``.
  :func:`check_answer` turns WeChat's ``errcode`` into the outbound outcomes: 43004 (the
  person does not follow the account) and 40003 (invalid openid) are
  :class:`~deliberation.outbound.RecipientGone`; a message or an account set-up WeChat
  will never take (``MESSAGE_REFUSED``) is :class:`~deliberation.outbound.DeliveryRefused`;
  anything else may pass later (:class:`~deliberation.outbound.DeliveryFailed`).

Settings (from the environment, ``project/settings.py``): ``appid``, ``secret``, ``client``
(dotted path of the :class:`WeChatClient`), ``templates`` (kind → template id, or
``{"template_id": ..., "fields": {...} | "classic"}``).
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import cache as django_cache
from django.utils.module_loading import import_string

from . import DeliveryFailed, DeliveryRefused, OutboundMessage, RecipientGone

log = logging.getLogger("yishi.notifications")

AUTHORIZE = "https://open.weixin.qq.com/connect/oauth2/authorize"
API = "https://api.weixin.qq.com"
#: Seconds one call to WeChat may take.
TIMEOUT = 10

#: WeChat's answers meaning the openid can no longer be written to: 43004 "require
#: subscribe" (the person unfollowed the account), 40003 "invalid openid".
RECIPIENT_GONE = {43004, 40003}
#: WeChat's answers that no retry changes, about the message or the account rather than
#: the person: 40013 invalid appid, 40037 invalid template_id, 47003 a field WeChat will
#: not take, 48001 the account may not call the API. Retrying them six times only delayed
#: the administrator's finding out; the person's binding stays good.
MESSAGE_REFUSED = {40013, 40037, 47003, 48001}
#: The access token expired or was replaced: fetch a new one (and retry the send).
TOKEN_STALE = {40001, 40014, 42001}

#: The default layout: the template library's current field types (thing ≤ 20 characters,
#: time). Pick a template with these fields, or give the kind a layout of its own.
DEFAULT_FIELDS = {"thing1": "{title}", "thing2": "{body}", "time3": "{time}"}
#: The classic layout of older templates (first / keyword1… / remark).
CLASSIC_FIELDS = {"first": "{title}", "keyword1": "{body}", "keyword2": "{time}", "remark": ""}
#: Longest value WeChat takes per field type (the field name without its number); longer
#: values are refused with errcode 47003, so they are cut here.
LIMITS = {
    "thing": 20,
    "character_string": 32,
    "phrase": 5,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "name": 10,
    "phone_number": 17,
    "car_number": 8,
}
#: Classic fields (first, keywordN, remark) have no typed limit; keep them readable.
CLASSIC_LIMIT = 200


class WeChatError(Exception):
    """WeChat answered with an error code (an invalid or used ``code``, a bad appid…)."""

    def __init__(self, errcode: int, errmsg: str = "") -> None:
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode


class WeChatUnavailable(Exception):
    """WeChat could not be reached or gave no usable answer (try again later)."""


def config() -> Mapping[str, Any]:
    return getattr(settings, "YISHI_WECHAT", {}) or {}


def configured() -> bool:
    """Is an Official Account set up (appid and secret)? Without one WeChat is not offered."""
    c = config()
    return bool(c.get("appid") and c.get("secret"))


# --- web authorization -----------------------------------------------------------------


def authorize_url(*, redirect_uri: str, state: str) -> str:
    """Where WeChat asks the person (silently, ``snsapi_base``) and sends them back with a
    ``code`` and our ``state``."""
    query = urllib.parse.urlencode(
        {
            "appid": config().get("appid", ""),
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": "snsapi_base",
            "state": state,
        }
    )
    return f"{AUTHORIZE}?{query}#wechat_redirect"


class WeChatClient(Protocol):
    def openid_for_code(self, code: str) -> str:
        """Exchange the ``code`` WeChat sent back for the person's openid.

        Raises :class:`WeChatError` when WeChat refuses the code (invalid, used, expired)
        and :class:`WeChatUnavailable` when it cannot be asked."""
        ...


@cache
def _client(path: str) -> WeChatClient:
    made: WeChatClient = import_string(path)()
    return made


def client() -> WeChatClient:
    return _client(config().get("client") or "deliberation.outbound.wechat.HttpWeChatClient")


def _http(url: str, body: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """GET ``url`` (or POST ``body`` as JSON) and return WeChat's JSON answer."""
    data = None
    headers = {}
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    if not url.startswith("https://"):
        raise ValueError(f"WeChat is only called over https, not {url!r}")
    request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310 (checked)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310
            found = json.loads(answer.read().decode("utf-8"))
    except (OSError, ValueError) as exc:  # URLError, timeouts, a page that is not JSON
        raise WeChatUnavailable(str(exc)) from exc
    if not isinstance(found, dict):
        raise WeChatUnavailable("WeChat answered something other than a JSON object")
    return found


class HttpWeChatClient:
    """The real exchange: ``GET sns/oauth2/access_token`` (unreachable from here)."""

    def openid_for_code(self, code: str) -> str:
        c = config()
        query = urllib.parse.urlencode(
            {
                "appid": c.get("appid", ""),
                "secret": c.get("secret", ""),
                "code": code,
                "grant_type": "authorization_code",
            }
        )
        answer = _http(f"{API}/sns/oauth2/access_token?{query}")
        errcode = int(answer.get("errcode") or 0)
        if errcode:
            raise WeChatError(errcode, str(answer.get("errmsg", "")))
        openid = answer.get("openid")
        if not isinstance(openid, str) or not openid:
            raise WeChatUnavailable("WeChat's answer carries no openid")
        return openid


# --- template messages -----------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    template_id: str
    #: field name → pattern of ``{title}``, ``{body}``, ``{time}``, ``{link}``
    fields: Mapping[str, str]


def template_for(kind: str) -> Template | None:
    """The template of a notification kind, or None (WeChat then does not apply to it)."""
    found = (config().get("templates") or {}).get(kind)
    if isinstance(found, str):
        return Template(found, DEFAULT_FIELDS) if found else None
    if not isinstance(found, Mapping) or not found.get("template_id"):
        return None
    fields = found.get("fields") or DEFAULT_FIELDS
    if fields == "classic":
        fields = CLASSIC_FIELDS
    return Template(str(found["template_id"]), fields)


class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _cut(name: str, value: str) -> str:
    limit = LIMITS.get(name.rstrip("0123456789"), CLASSIC_LIMIT)
    return value if len(value) <= limit else value[: limit - 1] + "…"


def fill(template: Template, values: Mapping[str, str]) -> dict[str, str]:
    """The template's fields with the notification's values put in (and cut to WeChat's
    limits). Only the layout (from settings) is a pattern; values are inserted as text."""
    known = _Values(values)
    return {
        name: _cut(name, pattern.format_map(known)) for name, pattern in template.fields.items()
    }


def check_answer(answer: Mapping[str, Any]) -> str:
    """WeChat's answer to a send → its message id, or the outbound outcome to raise."""
    errcode = int(answer.get("errcode") or 0)
    errmsg = str(answer.get("errmsg", ""))
    if errcode == 0:
        return str(answer.get("msgid", ""))
    if errcode in RECIPIENT_GONE:
        raise RecipientGone(f"WeChat {errcode}: {errmsg}")
    if errcode in MESSAGE_REFUSED:
        log.error("WeChat refuses our messages: %s %s (check YISHI_WECHAT)", errcode, errmsg)
        raise DeliveryRefused(f"WeChat {errcode}: {errmsg}")
    raise DeliveryFailed(f"WeChat {errcode}: {errmsg}")


TOKEN_CACHE_KEY = "yishi:wechat:access_token"  # noqa: S105 (a cache key, not a secret)


def access_token() -> str:
    """The account's access token, shared by every process through the cache.

    ``cgi-bin/stable_token`` does not invalidate the token other workers hold (the older
    ``cgi-bin/token`` does)."""
    token = django_cache.get(TOKEN_CACHE_KEY)
    if token:
        return str(token)
    c = config()
    answer = _http(
        f"{API}/cgi-bin/stable_token",
        {"grant_type": "client_credential", "appid": c.get("appid"), "secret": c.get("secret")},
    )
    token = answer.get("access_token")
    if not token:
        raise DeliveryFailed(f"WeChat gave no access token: {answer.get('errcode')}")
    expires = int(answer.get("expires_in") or 7200)
    django_cache.set(TOKEN_CACHE_KEY, token, max(60, expires - 300))
    return str(token)


class WeChatTemplateSender:
    """The real sender: posts the message's template payload (unreachable from here)."""

    def send(self, message: OutboundMessage) -> str:
        try:
            token = access_token()
            answer = _http(
                f"{API}/cgi-bin/message/template/send?access_token={token}",
                message.template_payload(),
            )
        except WeChatUnavailable as exc:
            raise DeliveryFailed(str(exc)) from exc
        if int(answer.get("errcode") or 0) in TOKEN_STALE:
            django_cache.delete(TOKEN_CACHE_KEY)  # the retry fetches a fresh one
        return check_answer(answer)
