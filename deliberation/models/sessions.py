"""Consultation sessions (议事协商会): the five parties deliberate item by item.

A session is convened by the community Party organization, invites the five parties, runs
its agenda through discussion rounds (one position per present party per round) and ends
each item with a resolution that the present parties vote on, or a deferral or referral.
Positions and votes are domain rows written by services (one row per party, upserted), not
one workflow task per party, so five parties speaking in the same second never contend on
a workflow lock.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from deliberation.stored_messages import render_message
from deliberation.user_text import is_web_link


class Party(models.TextChoices):
    """The five parties of the platform (五方)."""

    PARTY_ORG = "party_org", _("community Party organization")
    RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
    PROVIDER = "provider", _("property service provider")
    OWNERS_BODY = "owners_body", _("owners' committee / property management committee")
    RESIDENTS_REPS = "residents_reps", _("residents' representatives")


#: Default rule to open: the convener, the provider and a residents' representative present.
DEFAULT_REQUIRED_PARTIES = [Party.PARTY_ORG.value, Party.PROVIDER.value, Party.RESIDENTS_REPS.value]


def default_required_parties() -> list[str]:
    return list(DEFAULT_REQUIRED_PARTIES)


class Session(models.Model):
    class Status(models.TextChoices):
        CONVENED = "convened", _("convened, inviting")
        OPEN = "open", _("in session")
        ENDED = "ended", _("ended")
        CANCELLED = "cancelled", _("cancelled")

    class AdoptionRule(models.TextChoices):
        NO_OBJECTION = "no_objection", _("adopted when no present party objects")
        MAJORITY = "majority", _("adopted by a majority of present parties, objections minuted")

    title = models.CharField(_("title"), max_length=200)
    community = models.ForeignKey(
        "deliberation.Community", on_delete=models.PROTECT, related_name="sessions"
    )
    compounds = models.ManyToManyField(
        "deliberation.Compound", related_name="sessions", verbose_name=_("compounds concerned")
    )
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="convened_sessions"
    )
    convening_organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="convened_sessions"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="chaired_sessions",
        verbose_name=pgettext_lazy("session", "chair"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    place = models.CharField(_("place"), max_length=200, blank=True)
    online_link = models.URLField(_("online link"), blank=True)
    required_parties = models.JSONField(
        _("parties required to open"), default=default_required_parties
    )
    adoption_rule = models.CharField(
        _("adoption rule"),
        max_length=16,
        choices=AdoptionRule.choices,
        default=AdoptionRule.NO_OBJECTION,
    )
    auto_close_rounds = models.BooleanField(
        _("close a round when every present party has spoken"), default=True
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.CONVENED
    )
    current_item = models.ForeignKey(
        "deliberation.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optional per-speaker countdown, shown to everyone in the room.
    speaker_party = models.CharField(max_length=32, choices=Party.choices, blank=True)
    speaker_until = models.DateTimeField(null=True, blank=True)
    staff_notes = models.TextField(_("staff-only notes"), blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consultation session")
        verbose_name_plural = _("consultation sessions")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def web_link(self) -> str:
        """The online link if it may be offered as a link: only http(s) (older rows were
        stored unchecked, and a ``javascript:`` link would run when clicked)."""
        return self.online_link if is_web_link(self.online_link) else ""


class AgendaItem(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        IN_DISCUSSION = "in_discussion", _("in discussion")
        ADOPTED = "adopted", _("resolution adopted")
        NOT_ADOPTED = "not_adopted", _("resolution not adopted")
        DEFERRED = "deferred", _("deferred to a later session")
        REFERRED = "referred_to_owners_vote", _("referred to an owners' vote")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("topic"), max_length=200)
    description = models.TextField(pgettext_lazy("agenda item", "description"), blank=True)
    time_budget_minutes = models.PositiveSmallIntegerField(_("time budget (minutes)"), default=20)
    outcome = models.CharField(
        _("outcome"), max_length=32, choices=Outcome.choices, default=Outcome.PENDING
    )
    deferred_to = models.ForeignKey(
        Session, on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_items"
    )
    deferred_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: Why it was deferred, in the minutes (an item left open when the session ends).
    deferral_reason = models.CharField(_("reason for deferral"), max_length=200, blank=True)
    #: The platform's reason as a msgid and parameters, read in each reader's language
    #: (stored_messages); rows from before it read ``deferral_reason`` as stored.
    deferral_message = models.JSONField(null=True, blank=True, editable=False)
    staff_note = models.TextField(pgettext_lazy("agenda item", "staff-only note"), blank=True)
    issues = models.ManyToManyField(
        "deliberation.Issue", related_name="agenda_items", blank=True, verbose_name=_("issues")
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["session", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "order"], name="agenda_item_unique_order")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.outcome not in (self.Outcome.PENDING, self.Outcome.IN_DISCUSSION)

    @property
    def deferral_display(self) -> str:
        """Why it was deferred, in the reader's language."""
        if self.deferral_message:
            return render_message(self.deferral_message)
        return self.deferral_reason


class Invitation(models.Model):
    """One per party per session; the party names its delegates and confirms."""

    class Reply(models.TextChoices):
        PENDING = "pending", _("awaiting reply")
        CONFIRMED = "confirmed", pgettext_lazy("invitation reply", "confirmed")
        DECLINED = "declined", _("declined")
        NO_REPLY = "no_reply", _("no reply")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="session_invitations",
    )
    delegates = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="session_delegations", blank=True
    )
    reply = models.CharField(
        _("reply"), max_length=16, choices=Reply.choices, default=Reply.PENDING
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="invitation_one_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_party_display()}"


class Attendance(models.Model):
    """A party present at the session (recorded when the session opens, adjustable)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendance")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    present = models.BooleanField(_("present"), default=True)
    delegates_text = models.CharField(_("delegates present"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "party"], name="attendance_one_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.get_party_display()}"


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField(_("round"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("discussion round")
        verbose_name_plural = _("discussion rounds")
        ordering = ["item", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="round_unique_number"),
            models.UniqueConstraint(
                fields=["item"], condition=Q(status="open"), name="round_one_open_per_item"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.number}"


class Position(models.Model):
    """A party's stance in a round: one per party per round, amendable until it closes."""

    class Stance(models.TextChoices):
        SUPPORT = "support", _("support")
        OPPOSE = "oppose", _("oppose")
        CONDITIONAL = "support_with_conditions", _("support with conditions")
        NONE = "no_position", _("no position")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="positions")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    stance = models.CharField(_("stance"), max_length=32, choices=Stance.choices)
    statement = models.TextField(_("statement"), max_length=2000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["round", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "party"], name="position_one_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.get_party_display()}: {self.get_stance_display()}"


class Question(models.Model):
    """A resident's question to the chair, in a moderated queue."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for the chair")
        TAKEN_UP = "taken_up", _("taken up")
        DISMISSED = "dismissed", _("not taken up")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question"), max_length=500)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)
    moderated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resident question")
        verbose_name_plural = _("resident questions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:60]


class Resolution(models.Model):
    class Status(models.TextChoices):
        VOTING = "voting", _("parties voting")
        ADOPTED = "adopted", _("adopted")
        REJECTED = "rejected", _("not adopted")

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="resolutions")
    decision = models.TextField(_("decision"), max_length=2000)
    responsible_party = models.CharField(
        pgettext_lazy("resolution", "responsible party"), max_length=32, choices=Party.choices
    )
    responsible_organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    cooperating_parties = models.JSONField(_("co-operating parties"), default=list, blank=True)
    deadline = models.DateField(pgettext_lazy("resolution", "deadline"))
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.VOTING)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["item", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status__in=["voting", "adopted"]),
                name="resolution_one_live_per_item",
            )
        ]

    def __str__(self) -> str:
        return self.decision[:60]


class ResolutionVote(models.Model):
    class Choice(models.TextChoices):
        AGREE = "agree", _("agree")
        OBJECT = "object", _("object")
        ABSTAIN = "abstain", _("abstain")

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="votes")
    party = models.CharField(_("party"), max_length=32, choices=Party.choices)
    choice = models.CharField(_("vote"), max_length=8, choices=Choice.choices)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("party vote on a resolution")
        verbose_name_plural = _("party votes on resolutions")
        ordering = ["resolution", "id"]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "party"], name="vote_one_per_party"),
            models.CheckConstraint(
                condition=~Q(choice="object") | ~Q(reason=""), name="vote_objection_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.get_choice_display()}"


class Minutes(models.Model):
    """会议纪要: generated from the record, edited by the secretary, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", pgettext_lazy("status", "published")

    session = models.OneToOneField(Session, on_delete=models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), max_length=50000)
    #: The generated draft in each language the site offers ({"en": …, "zh-hans": …}), so
    #: each reader reads the record in their language; ``text`` is the platform language's,
    #: which the secretary edits (once edited, ``text`` is the minutes for everyone).
    texts = models.JSONField(default=dict, blank=True, editable=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    generated_at = models.DateTimeField(auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return f"{self.session} · {self.get_status_display()}"

    @property
    def text_display(self) -> str:
        """The minutes in the reader's language while they are the generated record; the
        secretary's edited text as written."""
        if self.edited_by_id is None and self.texts:
            return str(self.texts.get(get_language() or "", self.text))
        return self.text
