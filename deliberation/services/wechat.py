"""A person's WeChat binding, and the template message a notification becomes there.

Binding follows WeChat's web authorization (``outbound/wechat.py``): the person, logged in,
is sent to WeChat with a ``state`` we sign for them; WeChat sends them back with a ``code``
that is exchanged for their openid. The state is tied to the logged-in person (an
attacker's state, sent to a victim, would bind the attacker's WeChat to the victim's
account and read their notifications), short-lived, and good for one use. Only a person
binds and unbinds their own WeChat (policy ``account.wechat``).
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from deliberation import job_claims, policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.models import Delivery, Notification, NotificationKind, User
from deliberation.outbound import OutboundMessage, wechat

#: How long a bind link is good for (WeChat's ``code`` itself lives five minutes).
STATE_SECONDS = 600
_SALT = "yishi.wechat.bind-state"
#: hex digits of each part of a state: issued (seconds), nonce, signature
_TS, _NONCE, _MAC = 10, 24, 32


class WeChatDown(Exception):
    """WeChat could not be asked now; nothing was changed (try again later)."""


def _mac(user_id: int, issued: str, nonce: str) -> str:
    return salted_hmac(_SALT, f"{user_id}:{issued}:{nonce}", algorithm="sha256").hexdigest()[:_MAC]


def bind_state(user: User, now: float | None = None) -> str:
    """A state for ``user`` (hex only: WeChat takes ``[a-zA-Z0-9]``, 128 bytes at most)."""
    issued = format(int(now if now is not None else time.time()), f"0{_TS}x")
    nonce = secrets.token_hex(_NONCE // 2)
    return issued + nonce + _mac(user.pk, issued, nonce)


def start_again() -> str:
    return _("Start again from your notification settings.")


def check_state(user: User, state: str) -> None:
    """Accept ``state`` once, for the person it was made for, while it is fresh."""
    state = state or ""
    issued, nonce, mac = state[:_TS], state[_TS : _TS + _NONCE], state[_TS + _NONCE :]
    valid_shape = len(state) == _TS + _NONCE + _MAC and all(c in "0123456789abcdef" for c in state)
    if not valid_shape or not hmac.compare_digest(mac, _mac(user.pk, issued, nonce)):
        raise InvalidInput(
            _("This WeChat link was not started from your account, or it was altered.")
            + " "
            + start_again()
        )
    if time.time() - int(issued, 16) > STATE_SECONDS:
        raise InvalidInput(
            _("This WeChat link has expired (it is good for %(minutes)s minutes).")
            % {"minutes": STATE_SECONDS // 60}
            + " "
            + start_again()
        )
    if not job_claims.claim(job_claims.key("wechat-state", nonce), STATE_SECONDS + 60):
        raise InvalidInput(_("This WeChat link was used already.") + " " + start_again())


def redirect_uri() -> str:
    return settings.YISHI_SITE_URL + reverse("account-wechat-callback")


def bind_url(user: User) -> str:
    """Where to send the person to bind their WeChat (WeChat's authorization page)."""
    policy.require(user, "account.wechat", user)
    return wechat.authorize_url(redirect_uri=redirect_uri(), state=bind_state(user))


def bind(*, actor: User, state: str, code: str) -> User:
    """Check the state, exchange WeChat's code for the openid and store it on ``actor``.

    Bad input (state or code) raises ``InvalidInput`` and changes nothing; a WeChat bound to
    another account raises ``Conflict``; WeChat out of reach raises ``WeChatDown``."""
    policy.require(actor, "account.wechat", actor)
    if not wechat.configured():
        raise InvalidInput(_("WeChat is not set up on this site."))
    check_state(actor, state)
    if not code:
        raise InvalidInput(_("WeChat did not confirm your account.") + " " + start_again())
    try:
        openid = wechat.client().openid_for_code(code)
    except wechat.WeChatError as exc:
        raise InvalidInput(_("WeChat did not confirm your account.") + " " + start_again()) from exc
    except wechat.WeChatUnavailable as exc:
        raise WeChatDown(str(exc)) from exc
    taken = _("This WeChat is bound to another account. Unbind it there first.")
    try:
        with transaction.atomic():
            if User.objects.filter(wechat_openid=openid).exclude(pk=actor.pk).exists():
                raise Conflict(taken)
            User.objects.filter(pk=actor.pk).update(wechat_openid=openid, wechat_refused_at=None)
    except IntegrityError as exc:  # bound elsewhere at the same moment
        raise Conflict(taken) from exc
    actor.wechat_openid, actor.wechat_refused_at = openid, None
    return actor


def unbind(*, actor: User) -> bool:
    """Forget the person's openid (pending WeChat messages are then skipped)."""
    policy.require(actor, "account.wechat", actor)
    done = (
        User.objects.filter(pk=actor.pk)
        .exclude(wechat_openid="")
        .update(wechat_openid="", wechat_refused_at=None)
    )
    actor.wechat_openid, actor.wechat_refused_at = "", None
    return bool(done)


def flag_refused(openid: str) -> None:
    """WeChat will not take messages to ``openid`` (unfollowed, invalid): stop sending
    until the person binds again; their settings page says so."""
    User.objects.filter(wechat_openid=openid, wechat_refused_at__isnull=True).update(
        wechat_refused_at=timezone.now()
    )


# --- template messages -----------------------------------------------------------------


def not_applicable(user: Any, kind: str) -> str:
    """Why a WeChat message to ``user`` about ``kind`` cannot go (kept on the skipped
    delivery, for operators), or "" when it can."""
    if not wechat.configured():
        return "WeChat is not configured"
    if not user.wechat_openid:
        return "WeChat not bound"
    if user.wechat_refused_at is not None:
        return "WeChat refused this openid; waiting for the person to bind again"
    if wechat.template_for(kind) is None:
        return f"no WeChat template for {kind}"
    return ""


def template_message(d: Delivery, n: Notification, text: str) -> OutboundMessage:
    """The template message of one delivery: the kind's template, its fields filled with
    the notification's title (its kind), text and time, opening the notification's link
    (which marks it read and asks the policy again before showing the thing)."""
    template = wechat.template_for(n.kind)
    assert template is not None  # not_applicable() said it applies
    with translation.override(settings.LANGUAGE_CODE):  # the message leaves the app
        title = str(NotificationKind(n.kind).label)
    link = settings.YISHI_SITE_URL + reverse("notification-open", args=[n.pk]) if n.url else ""
    made = timezone.localtime(n.created_at)
    values = {
        "title": title,
        "body": text,
        # WeChat's time field format; built by hand, as strftime may not take non-ASCII
        "time": f"{made.year}年{made.month:02d}月{made.day:02d}日 {made:%H:%M}",
        "link": link,
    }
    return OutboundMessage(
        channel=d.channel,
        to=n.recipient.wechat_openid,
        body=text,
        key=d.key,
        subject=title,
        template=template.template_id,
        data=wechat.fill(template, values),
        url=link,
    )
