"""Places: subdistrict → community → compound → building → unit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Subdistrict(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("subdistrict")
        verbose_name_plural = _("subdistricts")

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    subdistrict = models.ForeignKey(
        Subdistrict, on_delete=models.PROTECT, related_name="communities"
    )
    name = models.CharField(_("name"), max_length=100, unique=True)
    party_committee = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("community Party committee"),
    )
    residents_committee = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("residents' committee"),
    )

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Compound(models.Model):
    """A residential compound (小区) and who is responsible for it."""

    class Category(models.TextChoices):
        DISTRICT_PUBLIC_HOUSING = "district_public", _("district public housing")
        COMMERCIAL = "commercial", _("commercial housing")
        CENTRAL_STATE = "central_state", _("central-state property")
        NOT_HANDED_OVER = "not_handed_over", _("not yet handed over")
        WORK_UNIT = "work_unit", _("work-unit self-managed")

    class ManagementMode(models.TextChoices):
        MARKET_FIRM = "market_firm", _("market property firm")
        SELF_MANAGED = "self_managed", _("self-managed by the property-rights unit")
        NONE = "none", _("no property service")

    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds")
    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    management_mode = models.CharField(
        _("management mode"), max_length=32, choices=ManagementMode.choices
    )
    property_provider = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="served_compounds",
        verbose_name=_("property service provider"),
    )
    owners_committee = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="represented_compounds",
        verbose_name=_("owners' committee / property management committee"),
    )
    built_from = models.PositiveSmallIntegerField(_("built from (year)"), null=True, blank=True)
    built_to = models.PositiveSmallIntegerField(_("built to (year)"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), default=0)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("compound")
        verbose_name_plural = _("compounds")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(management_mode="none") | Q(property_provider__isnull=False),
                name="compound_service_has_provider",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="buildings")
    name = models.CharField(_("name"), max_length=50)
    floors = models.PositiveSmallIntegerField(_("floors"), default=6)
    elevator_year = models.PositiveSmallIntegerField(
        _("elevator installed (year)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["compound", "name"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "name"], name="building_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.compound} {self.name}"


class Unit(models.Model):
    """An exclusive unit (专有部分) with its floor area, the basis of owner counting."""

    class AreaSource(models.TextChoices):
        # SPC interp. art. 8: register first, then survey, then the sale contract.
        LAND_REGISTER = "register", _("land register")
        SURVEY = "survey", _("survey")
        CONTRACT = "contract", _("sale contract")

    building = models.ForeignKey(Building, on_delete=models.CASCADE, related_name="units")
    number = models.CharField(_("number"), max_length=20)
    exclusive_area = models.DecimalField(
        _("exclusive floor area (m²)"), max_digits=9, decimal_places=2
    )
    area_source = models.CharField(
        _("area source"),
        max_length=16,
        choices=AreaSource.choices,
        default=AreaSource.LAND_REGISTER,
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["building", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number"),
            models.CheckConstraint(condition=Q(exclusive_area__gt=0), name="unit_area_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.building}-{self.number}"


class Ownership(models.Model):
    """Who legally owns a unit: a person or an organization (never both)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ownerships")
    person = models.ForeignKey(
        "deliberation.User",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ownerships",
    )
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ownerships",
    )
    is_designated_voter = models.BooleanField(
        _("designated voter"),
        default=True,
        help_text=_("Co-owners of one unit vote through one designated voter."),
    )

    class Meta:
        verbose_name = _("ownership")
        verbose_name_plural = _("ownerships")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(organization__isnull=True))
                | (Q(person__isnull=True) & Q(organization__isnull=False)),
                name="ownership_one_owner",
            ),
            models.UniqueConstraint(fields=["unit", "person"], name="ownership_unique_person"),
            models.UniqueConstraint(fields=["unit", "organization"], name="ownership_unique_org"),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.person or self.organization}"
