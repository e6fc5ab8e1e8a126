"""What the indicators raise: a compound's rising hotline trend, a task for its community."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TrendAlarm(models.Model):
    """Hotline cases in a compound rose month on month (``selectors.indicators.RISES`` complete
    months in a row): the community acknowledges it and plans a response by ``due``.

    One per compound and month (the last complete month of the rise), so the periodic sweep
    that raises it can run any number of times."""

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="trend_alarms"
    )
    month = models.DateField(_("last month of the rise"))
    counts = models.CharField(_("cases per month"), max_length=100)
    raised_at = models.DateTimeField(_("raised"), auto_now_add=True)
    due = models.DateTimeField(_("respond by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    response_plan = models.TextField(_("planned response"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("rising-trend alarm")
        verbose_name_plural = _("rising-trend alarms")
        ordering = ["-month", "compound"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "month"], name="trend_alarm_once")
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.month:%Y-%m}"
