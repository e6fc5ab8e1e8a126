"""Messages that leave the system — e-mail, SMS, WeChat template messages — behind one interface.

No real SMS or WeChat provider is reachable from here, so each channel is a *sender* chosen in
settings (``YISHI_OUTBOUND``, a dotted path per channel), the way Django chooses an e-mail
backend. A provider's adapter implements :class:`Sender`; tests use the recording fake
(:mod:`deliberation.outbound.recording`), ``make run`` the console sender.

Delivery bookkeeping (who gets what, retries, idempotency) is the caller's: a sender only
tries once and says whether a retry may help (:class:`DeliveryFailed`) or not
(:class:`DeliveryRefused`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

#: The channels a message can leave by.
CHANNELS = ("email", "sms", "wechat")


@dataclass(frozen=True)
class OutboundMessage:
    """One message to one address on one channel.

    ``key`` names the delivery (e.g. ``notification:42:sms``): a provider that supports
    idempotency keys gets it, and the recording fake lets tests count deliveries per key.
    """

    channel: str
    to: str
    body: str
    key: str
    subject: str = ""
    #: WeChat template messages: the template id, its fields (name → value) and the page
    #: the message opens (absolute). ``to`` is then the recipient's openid.
    template: str = ""
    data: Mapping[str, str] = field(default_factory=dict)
    url: str = ""

    def template_payload(self) -> dict[str, Any]:
        """The body a WeChat adapter posts to ``cgi-bin/message/template/send`` as it is.

        ``client_msg_id`` is WeChat's idempotency key: the same key to the same openid is
        sent once (within WeChat's window), so a retry after a lost answer does not repeat.
        """
        payload: dict[str, Any] = {
            "touser": self.to,
            "template_id": self.template,
            "data": {name: {"value": value} for name, value in self.data.items()},
            "client_msg_id": self.key,
        }
        if self.url:
            payload["url"] = self.url
        return payload


class DeliveryFailed(Exception):
    """The provider could not take the message now (network, throttling): retry later."""


class DeliveryRefused(Exception):
    """The provider will never take this message (bad number, unsubscribed): do not retry."""


class RecipientGone(DeliveryRefused):
    """The address itself is dead (a WeChat user who unfollowed, an invalid openid): do not
    retry, and stop using the address until the person gives it again."""


class Sender(Protocol):
    def send(self, message: OutboundMessage) -> str:
        """Hand the message to the provider once; return the provider's message id."""
        ...


@cache
def _sender(path: str) -> Sender:
    sender: Sender = import_string(path)()
    return sender


def sender_for(channel: str) -> Sender:
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    return _sender(settings.YISHI_OUTBOUND[channel])


def send(message: OutboundMessage) -> str:
    """Send through the channel's configured sender (raises DeliveryFailed / DeliveryRefused)."""
    return sender_for(message.channel).send(message)
