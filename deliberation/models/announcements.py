"""Notices posted to a compound's residents by the parties that serve it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Announcement(models.Model):
    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="announcements"
    )
    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="announcements"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="announcements"
    )
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=4000)
    #: The page the notice announces (the published minutes, the vote), as a site path.
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("posted"), auto_now_add=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["compound", "-created_at"], name="announcement_recent")]

    def __str__(self) -> str:
        return self.title
