"""Owners' committee elections, re-election groups and property management committees.

The rules (sizes, terms, deadlines, composition) are in ``deliberation.law.owners_votes``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deliberation.law.owners_votes import Seat


class CommitteeElection(models.Model):
    """Electing an owners' committee (Civil Code art. 278 (3); BJ reg. arts. 39–41)."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("nominating candidates")
        VOTING = "voting", _("put to the owners")
        ELECTED = "elected", _("elected")
        REGISTERED = "registered", _("registered")

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="committee_elections"
    )
    committee = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="elections",
        verbose_name=_("owners' committee"),
    )
    seats = models.PositiveSmallIntegerField(_("members"))
    alternates = models.PositiveSmallIntegerField(_("alternates"), default=0)
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=5)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NOMINATING
    )
    vote = models.OneToOneField(
        "deliberation.OwnersVote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="election",
    )
    elected_on = models.DateField(_("elected"), null=True, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    chair_elected_on = models.DateField(_("chair elected"), null=True, blank=True)
    registered_on = models.DateField(_("registered with the subdistrict"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("owners' committee election")
        verbose_name_plural = _("owners' committee elections")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.committee} ({self.get_status_display()})"


class Candidate(models.Model):
    class Source(models.TextChoices):
        PARTY = "party", _("community Party organization")
        RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
        OWNERS = "owners", _("owners")

    election = models.ForeignKey(
        CommitteeElection, on_delete=models.CASCADE, related_name="candidates"
    )
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    nominated_by = models.CharField(_("nominated by"), max_length=24, choices=Source.choices)
    interest_in_property_firm = models.BooleanField(
        _("interest in the property firm"), default=False
    )
    judgment_defaulter = models.BooleanField(_("listed as a judgment defaulter"), default=False)
    elected = models.CharField(_("result"), max_length=16, blank=True)  # member / alternate

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(fields=["election", "person"], name="candidate_once")
        ]

    def __str__(self) -> str:
        return str(self.person)


class CommitteeBody(models.Model):
    """A preparatory group (BJ reg. art. 30), a re-election group (art. 49) or a property
    management committee (arts. 52–59). Its stage follows from its dates (see ``stage``)."""

    class Kind(models.TextChoices):
        REELECTION_GROUP = "reelection_group", _("re-election group")
        PM_COMMITTEE = "pm_committee", _("property management committee")
        PREPARATORY_GROUP = "preparatory_group", _("preparatory group")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="committee_bodies"
    )
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="bodies",
        help_text=_("The owners' committee being re-elected, or the 物管会 itself."),
    )
    report_due = models.DateField(_("report due"), null=True, blank=True)
    reported_on = models.DateField(_("reported"), null=True, blank=True)
    form_by = models.DateField(_("to be formed by"), null=True, blank=True)
    formed_on = models.DateField(_("formed"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)
    dissolve_by = models.DateField(_("to be dissolved by"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved"), null=True, blank=True)
    applied_on = models.DateField(_("application received"), null=True, blank=True)
    first_meeting_by = models.DateField(_("first owners' meeting by"), null=True, blank=True)
    party_guidance = models.TextField(_("guidance of the Party organization"), blank=True)
    residents_guidance = models.TextField(_("guidance of the residents' committee"), blank=True)

    class Meta:
        verbose_name = _("committee body")
        verbose_name_plural = _("committee bodies")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.organization}"

    @property
    def stage(self) -> str:
        """Where the body stands, from its dates (the flow in workflows/committee_bodies.py
        follows it): waiting to be formed, formed (sitting), or dissolved."""
        if self.dissolved_on is not None:
            return "dissolved"
        if self.formed_on is not None:
            return "formed"
        return "forming"


class BodySeat(models.Model):
    body = models.ForeignKey(CommitteeBody, on_delete=models.CASCADE, related_name="seats")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    seat = models.CharField(
        _("represents"),
        max_length=24,
        choices=[
            (Seat.OWNER, _("owner representative")),
            (Seat.RESIDENTS_COMMITTEE, _("residents' committee")),
            (Seat.PARTY, _("community Party organization")),
            (Seat.SUBDISTRICT, _("subdistrict")),
            (Seat.DEVELOPER, _("developer")),
            (Seat.PROPERTY_RIGHTS_UNIT, _("property-rights unit")),
            (Seat.PROPERTY_FIRM, _("property firm")),
            (Seat.OTHER, _("other")),
        ],
    )
    is_chair = models.BooleanField(_("chair"), default=False)

    class Meta:
        verbose_name = _("seat")
        verbose_name_plural = _("seats")
        constraints = [models.UniqueConstraint(fields=["body", "person"], name="seat_once")]

    def __str__(self) -> str:
        return f"{self.person} ({self.seat})"
