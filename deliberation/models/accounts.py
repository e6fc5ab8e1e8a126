"""Residents' own accounts: a request to link a home, decided by the residents' committee."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .people import Residency


class LinkRequest(models.Model):
    """A person asks to be linked to a unit; the residents' committee approves or refuses.

    ``register_match`` is what the owner register said when the request was made (an owner
    claim is checked against it: docs/law.md §13)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the residents' committee")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class RegisterMatch(models.TextChoices):
        NOT_ASKED = "not_asked", _("not an owner claim")
        MATCHES = "matches", _("the owner register names this person")
        OTHER_OWNER = "other_owner", _("the owner register names someone else")
        NO_OWNER = "no_owner", _("the owner register names no owner")

    user = models.ForeignKey(
        "deliberation.User", on_delete=models.CASCADE, related_name="link_requests"
    )
    unit = models.ForeignKey(
        "deliberation.Unit", on_delete=models.CASCADE, related_name="link_requests"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Residency.Relation.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    register_match = models.CharField(
        _("owner register"),
        max_length=16,
        choices=RegisterMatch.choices,
        default=RegisterMatch.NOT_ASKED,
    )
    created = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "deliberation.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("link request")
        verbose_name_plural = _("link requests")
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=Q(status="pending"),
                name="link_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
