"""Owners' general-meeting votes (业主大会表决): matters, electorate, ballots, petitions.

The statutory rules live in ``deliberation.law.owners_votes``; these models store what the
procedure produced, with who did what and when.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.law.owners_votes import (
    DEFAULT_UNANSWERED,
    MatterKind,
    Unanswered,
    needs_supermajority,
)

UNANSWERED_CHOICES = [
    (Unanswered.NOT_TAKING_PART.value, _("the owner does not take part on that matter")),
    (Unanswered.ABSTAIN.value, _("the owner abstains on that matter")),
]


class MeetingRules(models.Model):
    """A compound's meeting rules (议事规则) as far as the tally depends on them."""

    compound = models.OneToOneField(
        "deliberation.Compound", on_delete=models.CASCADE, related_name="meeting_rules"
    )
    # docs/law.md §3 [P]: valid only if the rules say so and delivery is proven; off by default.
    non_voters_follow_majority = models.BooleanField(
        _("non-voters follow the majority"), default=False
    )
    # docs/law.md §8 [P]: how a matter left blank on a returned ballot counts.
    unanswered = models.CharField(
        _("a matter left blank on a ballot"),
        max_length=16,
        choices=UNANSWERED_CHOICES,
        default=DEFAULT_UNANSWERED.value,
    )

    class Meta:
        verbose_name = _("meeting rules")
        verbose_name_plural = _("meeting rules")

    def __str__(self) -> str:
        return f"{self.compound}"


class OwnersVote(models.Model):
    class Origin(models.TextChoices):
        COMMITTEE = "committee", _("owners' committee / property management committee")
        SESSION = "session", _("consultation session resolution")
        PETITION = "petition", _("petition of 20 % of owners")
        SUBDISTRICT = "subdistrict", _("convened by the subdistrict")

    class Status(models.TextChoices):
        PETITIONING = "petitioning", _("collecting signatures")
        CONVENING = "convening", _("committee to convene")
        REVIEW = "review", _("review by the residents' committee")
        PREPARING = "preparing", _("notice being prepared")
        NOTICED = "noticed", _("noticed")
        VOTING = "voting", _("voting")
        CLOSED = "closed", _("closed, being tallied")
        TALLIED = "tallied", _("tallied, to be published")
        PUBLISHED = "published", pgettext_lazy("status", "published")
        CANCELLED = "cancelled", _("cancelled")

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="owners_votes"
    )
    title = models.CharField(_("title"), max_length=200)
    temporary = models.BooleanField(_("temporary meeting"), default=True)
    origin = models.CharField(_("proposed by"), max_length=16, choices=Origin.choices)
    origin_note = models.CharField(_("origin"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REVIEW
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Petition (BJ reg. arts. 35–36)
    petition_needed = models.PositiveIntegerField(_("signatures needed"), default=0)
    petition_reached_at = models.DateTimeField(_("20 % reached"), null=True, blank=True)
    convene_by = models.DateTimeField(_("committee to convene by"), null=True, blank=True)
    convened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    convened_by_subdistrict = models.BooleanField(_("convened by the subdistrict"), default=False)
    convening_ordered_at = models.DateTimeField(
        _("subdistrict ordered convening"), null=True, blank=True
    )
    # Review (BJ reg. art. 35: reported to the residents' committee, which sends an observer)
    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("observer"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # Notice (BJ reg. art. 35: ≥ 15 days before voting opens)
    place_and_method = models.CharField(_("place and method"), max_length=200, blank=True)
    noticed_at = models.DateTimeField(_("noticed"), null=True, blank=True)
    opens_at = models.DateTimeField(_("voting opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("voting closes"), null=True, blank=True)
    # The electorate frozen at notice time (SPC interp. arts. 8, 9).
    total_heads = models.PositiveIntegerField(_("owners (heads)"), default=0)
    total_area = models.DecimalField(
        _("total exclusive area (m²)"), max_digits=12, decimal_places=2, default=0
    )
    non_voters_follow_majority = models.BooleanField(
        _("non-voters follow the majority"), default=False
    )
    # The meeting rules' setting for blank matters, frozen with the vote (docs/law.md §8).
    unanswered_rule = models.CharField(
        _("a matter left blank on a ballot"),
        max_length=16,
        choices=UNANSWERED_CHOICES,
        default=DEFAULT_UNANSWERED.value,
    )
    closed_at = models.DateTimeField(pgettext_lazy("time of", "closed"), null=True, blank=True)
    publish_by = models.DateTimeField(_("publish by"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Deadline sweeps (BJ reg. arts. 36, 37): when the subdistrict was alerted, once each.
    convene_escalated_at = models.DateTimeField(null=True, blank=True)
    publish_escalated_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("owners' vote")
        verbose_name_plural = _("owners' votes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["compound", "status"], name="ownersvote_compound_status")]

    def __str__(self) -> str:
        return self.title


class Matter(models.Model):
    """One item on the agenda, typed by Civil Code art. 278."""

    class Effect(models.TextChoices):
        NONE = "none", _("no follow-up")
        WORK_ORDER = "work_order", _("create a work order")
        PROPERTY_FIRM = "property_firm", _("record the new property firm")
        COMMITTEE = "committee", _("record the elected committee member")
        ADOPT_TEXT = "adopt_text", _("adopt the text as the current meeting rules / covenant")

    vote = models.ForeignKey(OwnersVote, on_delete=models.CASCADE, related_name="matters")
    position = models.PositiveSmallIntegerField(pgettext_lazy("matter", "number"), default=1)
    kind = models.CharField(
        _("kind (Civil Code art. 278)"),
        max_length=16,
        choices=[
            (MatterKind.MEETING_RULES, _("(1) meeting rules")),
            (MatterKind.COVENANT, _("(2) management covenant")),
            (MatterKind.COMMITTEE, _("(3) owners' committee members")),
            (MatterKind.MANAGER, _("(4) property firm or other manager")),
            (MatterKind.USE_FUND, _("(5) using the maintenance fund")),
            (MatterKind.RAISE_FUND, _("(6) raising the maintenance fund")),
            (MatterKind.REBUILD, _("(7) rebuilding or altering buildings and facilities")),
            (MatterKind.COMMON_PARTS, _("(8) changing the use of common parts / business")),
            (MatterKind.OTHER, _("(9) other major matters")),
        ],
    )
    title = models.CharField(_("matter"), max_length=200)
    description = models.TextField(_("content"), max_length=4000, blank=True)
    effect = models.CharField(
        _("when passed"), max_length=16, choices=Effect.choices, default=Effect.NONE
    )
    effect_organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible organization / new firm"),
    )
    candidate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("candidate"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, blank=True)
    tally = models.JSONField(_("tally"), default=dict, blank=True)
    work_order = models.ForeignKey(
        "deliberation.WorkOrder",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("work order"),
    )

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "position"], name="matter_unique_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"

    @property
    def needs_three_quarters(self) -> bool:
        return needs_supermajority(self.kind)


class Voter(models.Model):
    """One head of the electorate, frozen at notice time: heads and area by SPC interp."""

    vote = models.ForeignKey(OwnersVote, on_delete=models.CASCADE, related_name="voters")
    key = models.CharField(max_length=32)  # "p<user id>" or "o<organization id>"
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    label = models.CharField(_("owner"), max_length=200)
    units = models.CharField(_("units"), max_length=400)
    area = models.DecimalField(_("area (m²)"), max_digits=12, decimal_places=2)
    delivered_at = models.DateTimeField(_("notice delivered"), null=True, blank=True)
    delivery_method = models.CharField(_("delivery"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("voter")
        verbose_name_plural = _("voters")
        ordering = ["vote", "label"]
        constraints = [models.UniqueConstraint(fields=["vote", "key"], name="voter_unique_key")]

    def __str__(self) -> str:
        return self.label


class Ballot(models.Model):
    """One voter's choice on one matter. Paper ballots count once a second person confirms."""

    class Choice(models.TextChoices):
        AGREE = "agree", _("agree")
        DISAGREE = "disagree", _("disagree")
        ABSTAIN = "abstain", _("abstain")

    class Channel(models.TextChoices):
        ONLINE = "online", pgettext_lazy("ballot channel", "online")
        PAPER = "paper", _("paper")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="ballots")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("choice"), max_length=16, choices=Choice.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed = models.BooleanField(_("counted"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(fields=["matter", "voter"], name="ballot_one_per_voter"),
            models.CheckConstraint(
                condition=Q(channel="online") | ~Q(confirmed_by=models.F("cast_by")),
                name="ballot_paper_two_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id}/{self.voter_id}: {self.choice}"


class BallotAudit(models.Model):
    """Append-only trail of every ballot action, for authorised auditors."""

    class Action(models.TextChoices):
        CAST = "cast", _("cast online")
        CHANGED = "changed", _("changed online")
        PAPER_ENTERED = "paper_entered", _("paper ballot entered")
        PAPER_CONFIRMED = "paper_confirmed", _("paper ballot confirmed")
        PAPER_REJECTED = "paper_rejected", _("paper ballot entry rejected")

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="audit")
    voter = models.ForeignKey(Voter, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    choice = models.CharField(_("choice"), max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("ballot audit entry")
        verbose_name_plural = _("ballot audit entries")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.action} {self.matter_id}/{self.voter_id}"


class PetitionSignature(models.Model):
    """An owner's signature on a petition for a temporary meeting (BJ reg. art. 35)."""

    #: Not stored: set by the service that entered it when the owner was notified of it.
    owner_told = False

    vote = models.ForeignKey(OwnersVote, on_delete=models.CASCADE, related_name="signatures")
    key = models.CharField(max_length=32)  # the owner's head key, as in ``Voter.key``
    label = models.CharField(_("owner"), max_length=200)

    class How(models.TextChoices):
        """How the owner gave the signature. Every way but online is entered by staff for
        the owner (assisted participation, docs/law.md §13)."""

        ONLINE = "online", pgettext_lazy("signature given", "online")
        PAPER = "paper", pgettext_lazy("signature given", "on a paper form")
        IN_PERSON = "in_person", pgettext_lazy("signature given", "in person")
        PHONE = "phone", pgettext_lazy("signature given", "by phone")

    how = models.CharField(
        _("signature given"), max_length=16, choices=How.choices, default=How.ONLINE
    )
    #: The owner online, or the staff member who entered the signature for them.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    #: The staff member's organization at the time (the timeline names it), for a signature
    #: entered for the owner; empty when the owner signed online.
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("entered by"),
    )
    #: A phone signature: when the call took place and who called whom (from which number),
    #: what a dispute over the signature checks against the call records.
    call_at = models.DateTimeField(_("time of the call"), null=True, blank=True)
    call_note = models.CharField(_("the call"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("petition signature")
        verbose_name_plural = _("petition signatures")
        constraints = [
            models.UniqueConstraint(fields=["vote", "key"], name="signature_one_per_owner"),
            models.CheckConstraint(
                condition=~Q(how="phone") | (Q(call_at__isnull=False) & ~Q(call_note="")),
                name="signature_phone_has_call",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def online(self) -> bool:
        return self.how == self.How.ONLINE
