"""Issues (诉求) from every channel, their public timeline, categories and SLA policies.

An ``Issue`` is what a resident (or the hotline, an inspector, the committee) reports. The
residents' committee triages it; the work is done through ``WorkOrder`` (work_orders.py).
Its ``IssueActivity`` rows are the timeline: ``public_text`` is what the reporter and the
compound see, ``staff_note`` only the parties. Closure reasons stay distinct so that the
resolution rate stays honest (docs/law.md §6).
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.stored_messages import render_message

from .choices import ChoiceLabels


class Urgency(models.TextChoices):
    """Hotline practice (docs/law.md §6): emergencies, utilities, ordinary and complex cases."""

    EMERGENCY = "emergency", pgettext_lazy("intake", "emergency")
    UTILITIES = "utilities", _("water, power, gas or heating")
    ORDINARY = "ordinary", pgettext_lazy("intake", "ordinary")
    COMPLEX = "complex", _("complex case")


#: (respond within, resolve within) per urgency — docs/law.md §6 [P]: dispatch 1 h / 2 h / 24 h,
#: feedback 2 h / 24 h / 7 days, complex cases 15 days. Admin-editable via ``SlaPolicy``.
DEFAULT_SLA: dict[str, tuple[timedelta, timedelta]] = {
    Urgency.EMERGENCY: (timedelta(hours=1), timedelta(hours=2)),
    Urgency.UTILITIES: (timedelta(hours=2), timedelta(hours=24)),
    Urgency.ORDINARY: (timedelta(hours=24), timedelta(days=7)),
    Urgency.COMPLEX: (timedelta(hours=24), timedelta(days=15)),
}


class IssueCategory(models.Model):
    """What an issue is about (报修、环境卫生…); also the Open311 service list."""

    code = models.SlugField(pgettext_lazy("intake", "code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    group = models.CharField(pgettext_lazy("intake", "group"), max_length=60, blank=True)
    keywords = models.CharField(pgettext_lazy("intake", "keywords"), max_length=200, blank=True)
    default_urgency = models.CharField(
        _("default urgency"), max_length=16, choices=Urgency.choices, default=Urgency.ORDINARY
    )
    active = models.BooleanField(_("active"), default=True)
    ordering = models.PositiveSmallIntegerField(pgettext_lazy("intake", "order"), default=100)

    class Meta:
        verbose_name = _("issue category")
        verbose_name_plural = _("issue categories")
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Respond-by and resolve-by time limits for a category (or every category) and urgency.

    Lookup order: this category and urgency, then ``category=None`` and urgency, then
    ``DEFAULT_SLA`` (docs/law.md §6). Editable in the admin.
    """

    category = models.ForeignKey(
        IssueCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sla_policies",
        help_text=_("Empty: applies to every category without its own policy."),
    )
    urgency = models.CharField(
        pgettext_lazy("intake", "urgency"), max_length=16, choices=Urgency.choices
    )
    respond_within = models.DurationField(_("respond within"))
    resolve_within = models.DurationField(_("resolve within"))

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["category__ordering", "urgency"]
        constraints = [
            # Two partial constraints rather than nulls_distinct=False, which SQLite (the
            # embedded mode) cannot enforce: one policy per (category, urgency), and one
            # category-less default per urgency.
            models.UniqueConstraint(
                fields=["category", "urgency"],
                condition=Q(category__isnull=False),
                name="sla_unique_category_urgency",
            ),
            models.UniqueConstraint(
                fields=["urgency"],
                condition=Q(category__isnull=True),
                name="sla_unique_default_urgency",
            ),
            models.CheckConstraint(
                condition=Q(respond_within__gt=timedelta(0))
                & Q(resolve_within__gte=models.F("respond_within")),
                name="sla_positive_and_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category or '*'} · {self.get_urgency_display()}"


class Issue(ChoiceLabels):
    class Channel(models.TextChoices):
        WEB = "web", _("web form")
        PHONE = "phone", _("phone call")
        WALK_IN = "walk_in", _("walk-in")
        INSPECTION = "inspection", pgettext_lazy("intake", "inspection")
        PROACTIVE = "proactive", _("proactive (未诉先办)")
        HOTLINE = "hotline", _("12345 hotline")
        OPEN311 = "open311", _("Open311")
        COMMITTEE = "committee", _("committee proposal")

    class Status(models.TextChoices):
        NEW = "new", pgettext_lazy("intake", "new")
        DISPATCHED = "dispatched", pgettext_lazy("intake", "dispatched")
        AWAITING_SESSION = "awaiting_session", _("awaiting a consultation session")
        ON_AGENDA = "on_agenda", _("on a session agenda")
        RESOLUTION_ASSIGNED = "resolution_assigned", _("resolution assigned")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved, awaiting confirmation")
        CLOSED = "closed", pgettext_lazy("intake", "closed")

    class ClosureReason(models.TextChoices):
        # Kept apart so the resolution rate stays honest (docs/law.md §6).
        FIXED = "fixed", pgettext_lazy("intake", "fixed")
        NOT_FIXED = "not_fixed", _("not fixed")
        NOT_OUR_RESPONSIBILITY = "not_our_responsibility", _("not our responsibility")
        NO_FURTHER_ACTION = "no_further_action", _("no further action")
        DUPLICATE = "duplicate", pgettext_lazy("intake", "duplicate")
        ANSWERED = "answered", _("answered (consultation)")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", pgettext_lazy("intake", "satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", pgettext_lazy("intake", "basically satisfied")
        DISSATISFIED = "dissatisfied", pgettext_lazy("intake", "dissatisfied")

    #: Statuses that still need someone to act.
    OPEN_STATUSES = (
        Status.NEW,
        Status.DISPATCHED,
        Status.AWAITING_SESSION,
        Status.ON_AGENDA,
        Status.RESOLUTION_ASSIGNED,
        Status.IN_PROGRESS,
        Status.RESOLVED,
    )

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_issues",
        verbose_name=pgettext_lazy("intake", "reporter"),
    )
    reporter_name = models.CharField(_("reporter's name"), max_length=100, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=32, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entered_issues",
        verbose_name=_("entered by"),
    )
    channel = models.CharField(
        pgettext_lazy("intake", "channel"), max_length=16, choices=Channel.choices
    )
    category = models.ForeignKey(
        IssueCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("category"),
    )
    description = models.TextField(pgettext_lazy("issue", "description"), max_length=4000)
    compound = models.ForeignKey(
        "deliberation.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("compound"),
    )
    building = models.ForeignKey(
        "deliberation.Building",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("building"),
    )
    unit = models.ForeignKey(
        "deliberation.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues",
        verbose_name=_("unit"),
    )
    location_text = models.CharField(_("where (free text)"), max_length=200, blank=True)
    urgency = models.CharField(
        pgettext_lazy("intake", "urgency"),
        max_length=16,
        choices=Urgency.choices,
        default=Urgency.ORDINARY,
    )
    status = models.CharField(
        pgettext_lazy("intake", "status"), max_length=24, choices=Status.choices, default=Status.NEW
    )
    closure_reason = models.CharField(
        _("closure reason"), max_length=32, choices=ClosureReason.choices, blank=True
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    responsible = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_issues",
        verbose_name=_("responsible party"),
        help_text=_("The party of the current work order (Open311 agency_responsible)."),
    )
    hotline_ticket = models.CharField(
        _("12345 ticket number"), max_length=64, blank=True, default=""
    )
    rating = models.CharField(
        pgettext_lazy("intake", "rating"), max_length=24, choices=Rating.choices, blank=True
    )
    rating_comment = models.CharField(_("rating comment"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)

    created_at = models.DateTimeField(pgettext_lazy("intake", "reported"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("intake", "updated"), auto_now=True)
    triaged_at = models.DateTimeField(pgettext_lazy("intake", "triaged"), null=True, blank=True)
    responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(pgettext_lazy("intake", "resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("intake", "closed"), null=True, blank=True)
    rated_at = models.DateTimeField(pgettext_lazy("intake", "rated"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("intake", "issue")
        verbose_name_plural = pgettext_lazy("intake", "issues")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["compound", "status", "-created_at"], name="issue_compound_status"
            ),
            models.Index(fields=["status", "-created_at"], name="issue_status_recent"),
            models.Index(fields=["reporter", "-created_at"], name="issue_reporter_recent"),
            # District scale (docs/scaling.md): Open311's recent requests and the indicators'
            # date ranges read a time window of every compound's issues.
            models.Index(fields=["-created_at"], name="issue_recent"),
        ]
        constraints = [
            # A hotline ticket is imported once (duplicates by ticket number are skipped).
            models.UniqueConstraint(
                fields=["hotline_ticket"],
                condition=~Q(hotline_ticket=""),
                name="issue_unique_hotline_ticket",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closure_reason__gt="")
                | (~Q(status="closed") & Q(closure_reason="")),
                name="issue_closed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.description[:30]}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def status_class(self) -> str:
        """CSS status colour (static/css/yishi.css)."""
        if self.status == self.Status.NEW:
            return "status-new"
        if self.status == self.Status.CLOSED:
            fixed = self.closure_reason == self.ClosureReason.FIXED
            return "status-done" if fixed else "status-muted"
        if self.status == self.Status.RESOLVED:
            return "status-done"
        return "status-progress"

    @property
    def where(self) -> str:
        """Where it is, as people say it: compound, building, unit or the free text."""
        return self._where(with_unit=True)

    @property
    def public_where(self) -> str:
        """``where`` without the unit number, for those ``issue.view_unit`` refuses."""
        return self._where(with_unit=False)

    def _where(self, *, with_unit: bool) -> str:
        parts = [self.compound.name] if self.compound_id and self.compound else []
        if self.building_id and self.building:
            parts.append(self.building.name)
        if with_unit and self.unit_id and self.unit:
            parts.append(self.unit.number)
        if self.location_text:
            parts.append(self.location_text)
        return " ".join(parts)

    @property
    def public_reporter(self) -> str:
        """Who reported it, as the public may see it (a masked phone at most)."""
        if self.reporter_id and self.reporter and self.reporter.phone:
            return self.reporter.masked_phone
        digits = self.reporter_phone
        if digits:
            return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"
        return ""


def issue_photo_path(instance: IssuePhoto, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"issues/{instance.issue_id}/{instance.token}.{ext}"


class IssuePhoto(models.Model):
    """A photo the reporter attached (type and size checked before it is stored)."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, editable=False)
    file = models.FileField(pgettext_lazy("intake", "photo"), upload_to=issue_photo_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issue photo")
        verbose_name_plural = _("issue photos")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.file.name}"


class IssueActivity(ChoiceLabels):
    """One step in an issue's timeline. Public text for everyone who may see the issue;
    the staff note only for the parties."""

    class Kind(models.TextChoices):
        REPORTED = "reported", pgettext_lazy("intake", "reported")
        TRIAGED = "triaged", pgettext_lazy("intake", "triaged")
        CATEGORY_CHANGED = "category_changed", _("category changed")
        DUPLICATE = "duplicate", _("marked duplicate")
        DISPATCHED = "dispatched", pgettext_lazy("intake", "dispatched")
        ACCEPTED = "accepted", pgettext_lazy("intake", "accepted")
        SENT_BACK = "sent_back", pgettext_lazy("intake", "sent back")
        PROGRESS = "progress", pgettext_lazy("intake", "progress")
        EXTENSION_REQUESTED = "extension_requested", _("extension requested")
        EXTENSION_DECIDED = "extension_decided", _("extension decided")
        COMPLETED = "completed", pgettext_lazy("intake", "completed")
        VERIFIED = "verified", _("verified by the community")
        RATED = "rated", pgettext_lazy("intake", "rated")
        REOPENED = "reopened", pgettext_lazy("intake", "reopened")
        OVERDUE = "overdue", pgettext_lazy("intake", "overdue")
        ESCALATED = "escalated", pgettext_lazy("intake", "escalated")
        AWAITING_SESSION = "awaiting_session", _("awaiting a session")
        ON_AGENDA = "on_agenda", _("on the agenda")
        RESOLUTION = "resolution", pgettext_lazy("intake", "resolution")
        CLOSED = "closed", pgettext_lazy("intake", "closed")
        STATUS = "status", _("status changed")
        NOTE = "note", pgettext_lazy("intake", "note")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    public_text = models.CharField(
        pgettext_lazy("intake", "public text"), max_length=1000, blank=True
    )
    #: The public text as a msgid and parameters, translated for each reader (stored_messages);
    #: ``public_text`` then holds it in the platform language, for the admin and old readers.
    public_message = models.JSONField(null=True, blank=True, editable=False)
    staff_note = models.TextField(_("staff-only note"), max_length=4000, blank=True)
    staff_message = models.JSONField(null=True, blank=True, editable=False)
    #: What the reporter wrote when rating: their own words, shown to the parties as theirs.
    reporter_comment = models.TextField(_("reporter's comment"), max_length=500, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("intake", "by"),
    )
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organization"),
    )
    link_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    link_id = models.PositiveBigIntegerField(null=True, blank=True)
    link = GenericForeignKey("link_type", "link_id")
    created_at = models.DateTimeField(pgettext_lazy("intake", "when"), auto_now_add=True)

    class Meta:
        verbose_name = _("issue activity")
        verbose_name_plural = _("issue activities")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["issue", "created_at"], name="issue_activity_timeline")]

    def __str__(self) -> str:
        return f"#{self.issue_id} {self.kind}"

    @property
    def public_display(self) -> str:
        """The public text in the reader's language (rows from before messages: as stored)."""
        return render_message(self.public_message) if self.public_message else self.public_text

    @property
    def staff_display(self) -> str:
        return render_message(self.staff_message) if self.staff_message else self.staff_note
