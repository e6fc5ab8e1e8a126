"""E-mail through Django's mail API: console backend under ``make run``, SMTP in production."""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage

from . import DeliveryFailed, DeliveryRefused, OutboundMessage


class EmailSender:
    def send(self, message: OutboundMessage) -> str:
        mail = EmailMessage(
            subject=message.subject or message.body[:60],
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.to],
            headers={"X-Yishi-Delivery": message.key},
        )
        try:
            mail.send(fail_silently=False)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryRefused(str(exc)) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryFailed(str(exc)) from exc
        return message.key
