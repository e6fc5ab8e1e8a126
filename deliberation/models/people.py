"""People: the login account, their organization memberships and their homes."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who may log in: a resident, a party delegate, staff of the subdistrict."""

    display_name = models.CharField(_("name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_party_member = models.BooleanField(_("Party member"), default=False)
    #: The person's WeChat user id for our Official Account (公众号), bound by themselves
    #: through WeChat's web authorization (``services/wechat.py``); empty when unbound.
    wechat_openid = models.CharField(_("WeChat openid"), max_length=64, blank=True)
    #: When WeChat last refused a message to that openid (unfollowed, invalid): messages
    #: stop until the person binds again.
    wechat_refused_at = models.DateTimeField(_("WeChat refused since"), null=True, blank=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["wechat_openid"],
                condition=~Q(wechat_openid=""),
                name="user_wechat_openid_once",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def masked_phone(self) -> str:
        """The phone number as the public may see it: 138****5678."""
        digits = self.phone
        if len(digits) < 7:
            return "****" if digits else ""
        return f"{digits[:3]}****{digits[-4:]}"


class Membership(models.Model):
    """A person's role in an organization (secretary, staff, representative…)."""

    class Role(models.TextChoices):
        SECRETARY = "secretary", _("secretary")
        DEPUTY_SECRETARY = "deputy_secretary", _("deputy secretary")
        DIRECTOR = "director", _("director")
        CHAIR = "chair", _("chair")
        VICE_CHAIR = "vice_chair", _("vice-chair")
        MEMBER = "member", _("member")
        STAFF = "staff", _("staff")
        MANAGER = "manager", _("manager")
        REPRESENTATIVE = "representative", _("representative")

    user = models.ForeignKey(
        "deliberation.User", on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    is_owner_representative = models.BooleanField(_("owner representative"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} · {self.get_role_display()}"


class Residency(models.Model):
    """Where a person lives: as owner, as occupant (family member) or as tenant."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("owner")
        OCCUPANT = "occupant", _("occupant")
        TENANT = "tenant", _("tenant")

    user = models.ForeignKey(
        "deliberation.User", on_delete=models.CASCADE, related_name="residencies"
    )
    unit = models.ForeignKey(
        "deliberation.Unit", on_delete=models.CASCADE, related_name="residencies"
    )
    relation = models.CharField(_("relation"), max_length=16, choices=Relation.choices)

    class Meta:
        verbose_name = _("residency")
        verbose_name_plural = _("residencies")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="residency_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.unit}"
