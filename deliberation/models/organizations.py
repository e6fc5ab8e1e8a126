"""Organizations of the five parties and around them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import ChoiceLabels


class Organization(ChoiceLabels):
    class Kind(models.TextChoices):
        SUBDISTRICT_PARTY_COMMITTEE = "subdistrict_party", _("subdistrict Party working committee")
        SUBDISTRICT_OFFICE = "subdistrict_office", _("subdistrict office department")
        SUPERVISION_GROUP = "supervision_group", _("supervision group")
        PARTY_COMMITTEE = "party_committee", _("community Party committee")
        RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
        PROPERTY_FIRM = "property_firm", _("property service firm")
        PROPERTY_RIGHTS_UNIT = "property_rights_unit", _("property-rights unit")
        OWNERS_COMMITTEE = "owners_committee", _("owners' committee")
        PROPERTY_MANAGEMENT_COMMITTEE = "pm_committee", _("property management committee")
        DEVELOPER = "developer", _("developer")

    class PartyCoverage(models.TextChoices):
        """Whether a Party organization covers it (the 三率's Party-organization coverage,
        docs/law.md §7a)."""

        NONE = "", _("no Party organization")
        OWN = "own", _("its own Party branch")
        JOINT = "joint", _("covered by a joint Party branch")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    subdistrict = models.ForeignKey(
        "deliberation.Subdistrict", on_delete=models.PROTECT, related_name="organizations"
    )
    community = models.ForeignKey(
        "deliberation.Community",
        on_delete=models.PROTECT,
        related_name="organizations",
        null=True,
        blank=True,
        help_text=_("For community Party committees and residents' committees."),
    )
    in_service_alliance = models.BooleanField(
        _("member of the property-service alliance"), default=False
    )
    party_coverage = models.CharField(
        _("Party organization"),
        max_length=8,
        choices=PartyCoverage.choices,
        blank=True,
        default=PartyCoverage.NONE,
    )
    party_branch_name = models.CharField(
        _("Party branch"),
        max_length=200,
        blank=True,
        help_text=_("The branch of its own, or the joint branch that covers it."),
    )
    # The services directory (public, no login): how residents reach the organization. An
    # office's line and hours, never a person's own number.
    public_phone = models.CharField(_("office phone (public)"), max_length=32, blank=True)
    public_address = models.CharField(_("office address (public)"), max_length=200, blank=True)
    service_hours = models.CharField(_("service hours (public)"), max_length=200, blank=True)
    term_number = models.PositiveSmallIntegerField(_("term number"), null=True, blank=True)
    term_start = models.DateField(_("term start"), null=True, blank=True)
    term_end = models.DateField(_("term end"), null=True, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_provider_kind(self) -> bool:
        return self.kind in {self.Kind.PROPERTY_FIRM, self.Kind.PROPERTY_RIGHTS_UNIT}
