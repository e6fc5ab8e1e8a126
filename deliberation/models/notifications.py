"""Notifications: what a person is told, by which channel, and how they want to be told.

A ``Notification`` keeps its text as a source message id and parameters, so it reads in the
language of whoever opens it; its link is re-checked by the policy when it is opened
(``views/notifications.py``). Each channel outside the app gets a ``Delivery`` whose unique
``key`` makes a retried or duplicated job send at most once. ``NotificationPreference``
rows store only what a person changed from the defaults (``services/notifications``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class NotificationKind(models.TextChoices):
    TASK = "task", pgettext_lazy("notifications", "A new task of mine")
    ISSUE_STATUS = "issue_status", pgettext_lazy("notifications", "My reports change status")
    SESSION = "session", pgettext_lazy("notifications", "Consultation sessions are convened")
    MINUTES = "minutes", pgettext_lazy("notifications", "Minutes are published")
    MEETING = "meeting", pgettext_lazy("notifications", "Owners' meetings are noticed")
    VOTE = "vote", pgettext_lazy("notifications", "Votes open and close")
    RESULTS = "results", pgettext_lazy("notifications", "Vote results are published")
    ENTERED_FOR = "entered_for", pgettext_lazy("notifications", "Staff enter a step for me")


class Channel(models.TextChoices):
    IN_APP = "in_app", pgettext_lazy("notifications", "In the app")
    SMS = "sms", pgettext_lazy("notifications", "SMS")
    EMAIL = "email", pgettext_lazy("notifications", "E-mail")
    WECHAT = "wechat", pgettext_lazy("notifications", "WeChat")
    DIGEST = "digest", pgettext_lazy("notifications", "Daily digest")


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    #: The English source text (a gettext msgid) and its parameters, rendered per reader.
    msgid = models.TextField()
    params = models.JSONField(default=dict, blank=True)
    #: What it is about: an action-model kind and id (re-checked when opened) and its page.
    target_kind = models.CharField(max_length=32, blank=True)
    target_pk = models.BigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    #: One notification per (recipient, dedupe) when set: a task key, an event key.
    dedupe = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe"],
                condition=~Q(dedupe=""),
                name="notification_once_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.pk}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery", "waiting")
        SENT = "sent", pgettext_lazy("delivery", "sent")
        REFUSED = "refused", pgettext_lazy("delivery", "refused by the provider")
        FAILED = "failed", pgettext_lazy("delivery", "failed")
        #: Over the person's rate limit: told in the daily digest instead.
        DIGEST = "digest", pgettext_lazy("delivery", "folded into the digest")
        #: The channel does not apply to this person now (WeChat not bound, no template for
        #: the kind): nothing was sent, nothing is retried.
        SKIPPED = "skipped", pgettext_lazy("delivery", "not applicable")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    to = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    #: ``notification:<id>:<channel>``: the provider's idempotency key, unique here.
    key = models.CharField(max_length=100, unique=True)
    #: Quiet hours: not before this time.
    send_after = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [models.Index(fields=["status", "send_after"], name="delivery_due")]

    def __str__(self) -> str:
        return self.key


class NotificationPreference(models.Model):
    """One change from the defaults: this kind on this channel, on or off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notification_pref_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel} {self.enabled}"


class NotificationSettings(models.Model):
    """Quiet hours (local time; SMS and WeChat wait until they end) and the rate limit."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_settings"
    )
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    #: Messages per hour outside the app; beyond it they go into the daily digest.
    hourly_limit = models.PositiveIntegerField(_("messages per hour at most"), default=6)

    def __str__(self) -> str:
        return f"{self.user_id} {self.quiet_from}-{self.quiet_until} {self.hourly_limit}/h"


class Digest(models.Model):
    """The daily digest sent to one person on one day (at most one)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}"
