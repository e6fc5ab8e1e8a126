"""The property-service contract of a compound and the change of firm (docs/law.md §12).

A contract names the firm, its term, the fees and the service level it promises, and the
notice periods it sets (the Civil Code's defaults otherwise: 90 days before the term ends for
a firm that will not renew, art. 947; 60 days for owners who dismiss the firm, art. 946).
A handover records the change: the notice to the old firm, what it hands over (art. 949),
and the day the new firm takes over — until then the old firm carries on (art. 950).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: Civil Code art. 947: a firm that will not renew says so this many days before the end.
RENEWAL_NOTICE_DAYS = 90
#: Civil Code art. 946: owners dismissing the firm give this many days' written notice.
DISMISSAL_NOTICE_DAYS = 60


class ServiceContract(models.Model):
    """One property-service contract of one compound."""

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="service_contracts"
    )
    firm = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="service_contracts"
    )
    starts_on = models.DateField(pgettext_lazy("contract", "term starts"))
    ends_on = models.DateField(pgettext_lazy("contract", "term ends"))
    fee_standards = models.TextField(_("fee standards"), max_length=2000)
    service_level = models.TextField(_("service level"), max_length=2000)
    renewal_notice_days = models.PositiveSmallIntegerField(
        _("notice of non-renewal (days)"), default=RENEWAL_NOTICE_DAYS
    )
    dismissal_notice_days = models.PositiveSmallIntegerField(
        _("notice of dismissal (days)"), default=DISMISSAL_NOTICE_DAYS
    )
    #: the firm's written notice that it will not renew (art. 947), when given
    non_renewal_notice_at = models.DateTimeField(null=True, blank=True)
    #: the contract was ended early (dismissal) or handed over
    ended_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_on", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="service_contract_term_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.firm} · {self.starts_on}–{self.ends_on}"

    @property
    def renewal_notice_due(self) -> date:
        """The last day for the firm's notice that it will not renew (art. 947)."""
        return self.ends_on - timedelta(days=self.renewal_notice_days)

    @property
    def is_current(self) -> bool:
        return self.ended_at is None


class Handover(models.Model):
    """The change from one firm to the next (Civil Code arts. 946, 949, 950)."""

    class Reason(models.TextChoices):
        DISMISSAL = "dismissal", pgettext_lazy("handover reason", "owners dismissed the firm")
        VOTE = "vote", pgettext_lazy("handover reason", "owners' vote chose a new firm")

    class Status(models.TextChoices):
        NOTICE = "notice", pgettext_lazy("handover status", "notice to be sent")
        HANDING_OVER = "handing_over", pgettext_lazy("handover status", "handing over")
        TAKEN_OVER = "taken_over", pgettext_lazy("handover status", "taken over")

    #: the checklist of art. 949, in the order it is shown
    CHECKLIST = ("rooms", "facilities", "records", "funds")

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="handovers"
    )
    old_firm = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handovers_out",
    )
    new_firm = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="handovers_in"
    )
    contract = models.ForeignKey(
        ServiceContract, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matter = models.ForeignKey(
        "deliberation.Matter", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOTICE)
    takeover_on = models.DateField(_("takeover date"))
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    rooms_at = models.DateTimeField(null=True, blank=True)
    facilities_at = models.DateTimeField(null=True, blank=True)
    records_at = models.DateTimeField(null=True, blank=True)
    funds_at = models.DateTimeField(null=True, blank=True)
    taken_over_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)
        constraints = [
            models.UniqueConstraint(
                fields=("compound",),
                condition=~models.Q(status="taken_over"),
                name="one_open_handover_per_compound",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound} → {self.new_firm}"

    def ticked(self, item: str) -> bool:
        return getattr(self, f"{item}_at") is not None

    @property
    def checklist_done(self) -> bool:
        return all(self.ticked(item) for item in self.CHECKLIST)

    @property
    def open_items(self) -> list[str]:
        return [item for item in self.CHECKLIST if not self.ticked(item)]
