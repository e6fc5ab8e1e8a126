"""The outbound interface: one message, one send, failures a caller can tell apart."""

from __future__ import annotations

import pytest
from django.core import mail

from deliberation import outbound
from deliberation.outbound import DeliveryFailed, OutboundMessage, recording


def _sms(key: str = "n:1:sms") -> OutboundMessage:
    return OutboundMessage(channel="sms", to="13800000000", body="请为处理结果评价", key=key)


def test_the_recording_fake_writes_down_each_send() -> None:
    assert outbound.send(_sms()) == "n:1:sms"
    assert [(m["to"], m["body"], m["key"]) for m in recording.sent("sms")] == [
        ("13800000000", "请为处理结果评价", "n:1:sms")
    ]
    assert recording.sent("email") == []


def test_ordered_failures_fail_then_the_send_goes_through() -> None:
    recording.fail_next("sms", 2)
    for _ in range(2):
        with pytest.raises(DeliveryFailed):
            outbound.send(_sms())
    outbound.send(_sms())
    assert len(recording.sent("sms")) == 1


def test_an_unknown_channel_is_refused() -> None:
    with pytest.raises(ValueError):
        outbound.sender_for("fax")


def test_email_goes_through_djangos_mail_api(settings) -> None:
    email_sender = "deliberation.outbound.email.EmailSender"
    settings.YISHI_OUTBOUND = {**settings.YISHI_OUTBOUND, "email": email_sender}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbound.send(
        OutboundMessage(channel="email", to="a@example.org", subject="新工单", body="x", key="k1")
    )
    assert [(m.to, m.subject, m.extra_headers["X-Yishi-Delivery"]) for m in mail.outbox] == [
        (["a@example.org"], "新工单", "k1")
    ]
