"""Work orders (工单): the one assignment mechanism of every process.

A triaged issue, a session resolution or an owners' vote matter becomes a ``WorkOrder`` for
one responsible organization, with respond-by and resolve-by deadlines from the SLA policy.
The party accepts or sends it back, reports progress, completes it with evidence; the
community verifies; the reporter confirms and rates; a dissatisfied rating reopens it. A
passed deadline marks it overdue and opens an ``Escalation`` for the supervision group.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.stored_messages import render_message

from .choices import ChoiceLabels
from .issues import Issue, IssueCategory, Urgency


class WorkOrder(ChoiceLabels):
    class Status(models.TextChoices):
        DISPATCHED = "dispatched", pgettext_lazy("intake", "dispatched")
        ACCEPTED = "accepted", pgettext_lazy("intake", "accepted")
        SENT_BACK = "sent_back", pgettext_lazy("intake", "sent back")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed, awaiting verification")
        VERIFIED = "verified", _("verified, awaiting confirmation")
        REOPENED = "reopened", pgettext_lazy("intake", "reopened")
        CLOSED = "closed", pgettext_lazy("intake", "closed")
        CANCELLED = "cancelled", pgettext_lazy("intake", "cancelled")

    #: The party still has to act (the respond-by or the resolve-by clock runs).
    ACTIVE_STATUSES = (
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.IN_PROGRESS,
        Status.REOPENED,
    )
    #: Accepted and being worked on: progress notes, completion, extension requests.
    WORKING_STATUSES = (Status.ACCEPTED, Status.IN_PROGRESS, Status.REOPENED)
    FINISHED_STATUSES = (Status.SENT_BACK, Status.CLOSED, Status.CANCELLED)

    responsible = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("responsible party"),
    )
    co_operating = models.ManyToManyField(
        "deliberation.Organization",
        blank=True,
        related_name="co_operating_work_orders",
        verbose_name=_("co-operating organizations"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        pgettext_lazy("issue", "description"), max_length=4000, blank=True
    )
    acceptance_criteria = models.TextField(_("acceptance criteria"), max_length=2000, blank=True)
    compound = models.ForeignKey(
        "deliberation.Compound",
        on_delete=models.PROTECT,
        related_name="work_orders",
        verbose_name=_("compound"),
    )
    issue = models.ForeignKey(
        Issue,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=pgettext_lazy("intake", "issue"),
    )
    # Where the order came from: a session resolution, an owners' vote matter, …
    origin_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    origin = GenericForeignKey("origin_type", "origin_id")
    category = models.ForeignKey(
        IssueCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="work_orders",
        verbose_name=_("category"),
    )
    urgency = models.CharField(
        pgettext_lazy("intake", "urgency"),
        max_length=16,
        choices=Urgency.choices,
        default=Urgency.ORDINARY,
    )
    status = models.CharField(
        pgettext_lazy("intake", "status"),
        max_length=16,
        choices=Status.choices,
        default=Status.DISPATCHED,
    )
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dispatched_work_orders",
        verbose_name=_("dispatched by"),
    )
    respond_by = models.DateTimeField(_("respond by"))
    resolve_by = models.DateTimeField(_("resolve by"))
    is_overdue = models.BooleanField(pgettext_lazy("intake", "overdue"), default=False)
    overdue_at = models.DateTimeField(_("marked overdue"), null=True, blank=True)
    sent_back_reason = models.CharField(_("reason for sending back"), max_length=1000, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rating = models.CharField(
        pgettext_lazy("intake", "rating"), max_length=24, choices=Issue.Rating.choices, blank=True
    )

    created_at = models.DateTimeField(pgettext_lazy("intake", "dispatched"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("intake", "updated"), auto_now=True)
    accepted_at = models.DateTimeField(pgettext_lazy("intake", "accepted"), null=True, blank=True)
    completed_at = models.DateTimeField(pgettext_lazy("intake", "completed"), null=True, blank=True)
    verified_at = models.DateTimeField(pgettext_lazy("intake", "verified"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("intake", "closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["responsible", "status", "-created_at"], name="wo_inbox"),
            models.Index(fields=["status", "respond_by"], name="wo_respond_clock"),
            models.Index(fields=["status", "resolve_by"], name="wo_resolve_clock"),
            models.Index(fields=["origin_type", "origin_id"], name="wo_origin"),
            # District scale (docs/scaling.md): the orders list pages newest first and the
            # indicators read a date window over every party's orders.
            models.Index(fields=["-created_at"], name="wo_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resolve_by__gte=models.F("respond_by")),
                name="wo_resolve_after_respond",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def status_class(self) -> str:
        """CSS status colour (static/css/yishi.css)."""
        if self.is_overdue and self.status not in self.FINISHED_STATUSES:
            return "status-overdue"
        if self.status == self.Status.DISPATCHED:
            return "status-new"
        if self.status in (self.Status.CLOSED, self.Status.VERIFIED, self.Status.COMPLETED):
            return "status-done"
        if self.status in (self.Status.SENT_BACK, self.Status.CANCELLED):
            return "status-muted"
        return "status-progress"


class WorkOrderNote(ChoiceLabels):
    """Progress, completion evidence, verification and other remarks on an order."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", pgettext_lazy("intake", "progress")
        COMPLETION = "completion", pgettext_lazy("intake", "completion")
        VERIFICATION = "verification", pgettext_lazy("intake", "verification")
        SENT_BACK = "sent_back", pgettext_lazy("intake", "sent back")
        REOPENED = "reopened", pgettext_lazy("intake", "reopened")
        NOTE = "note", pgettext_lazy("intake", "note")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    text = models.TextField(_("text"), max_length=4000)
    #: Set when the platform wrote the text: translated for each reader (stored_messages).
    message = models.JSONField(null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(pgettext_lazy("intake", "when"), auto_now_add=True)

    class Meta:
        verbose_name = _("work order note")
        verbose_name_plural = _("work order notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"#{self.work_order_id} {self.kind}"

    @property
    def text_display(self) -> str:
        return render_message(self.message) if self.message else self.text


def evidence_path(instance: WorkOrderEvidence, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"work_orders/{instance.work_order_id}/{instance.token}.{ext}"


class WorkOrderEvidence(models.Model):
    """A photo attached to a note (usually the completion)."""

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="evidence")
    note = models.ForeignKey(
        WorkOrderNote, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    token = models.CharField(max_length=32, editable=False)
    file = models.FileField(pgettext_lazy("intake", "photo"), upload_to=evidence_path)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = pgettext_lazy("intake", "evidence")
        verbose_name_plural = pgettext_lazy("intake", "evidence")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.work_order_id} {self.file.name}"


class ExtensionRequest(ChoiceLabels):
    """More time, asked by the responsible party with a reason; the committee decides."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("intake", "pending")
        APPROVED = "approved", pgettext_lazy("intake", "approved")
        REFUSED = "refused", pgettext_lazy("intake", "refused")

    work_order = models.ForeignKey(
        WorkOrder, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(pgettext_lazy("intake", "reason"), max_length=1000)
    new_resolve_by = models.DateTimeField(_("new resolve-by"))
    status = models.CharField(
        pgettext_lazy("intake", "status"),
        max_length=16,
        choices=Status.choices,
        default=Status.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_note = models.CharField(_("decision note"), max_length=1000, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("intake", "requested"), auto_now_add=True)
    decided_at = models.DateTimeField(pgettext_lazy("intake", "decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["work_order"],
                condition=models.Q(status="pending"),
                name="extension_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.work_order_id} → {self.new_resolve_by:%Y-%m-%d}"


class Escalation(ChoiceLabels):
    """A passed deadline, for the subdistrict supervision group to follow up."""

    class Reason(models.TextChoices):
        RESPOND_BY = "respond_by", _("not accepted in time")
        RESOLVE_BY = "resolve_by", _("not resolved in time")

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("intake", "open")
        HANDLED = "handled", pgettext_lazy("intake", "handled")

    work_order = models.ForeignKey(WorkOrder, on_delete=models.CASCADE, related_name="escalations")
    supervisor = models.ForeignKey(
        "deliberation.Organization",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("supervision group"),
    )
    reason = models.CharField(
        pgettext_lazy("intake", "reason"), max_length=16, choices=Reason.choices
    )
    deadline = models.DateTimeField(pgettext_lazy("intake", "deadline passed"))
    status = models.CharField(
        pgettext_lazy("intake", "status"),
        max_length=16,
        choices=Status.choices,
        default=Status.OPEN,
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handled_note = models.CharField(
        pgettext_lazy("intake", "follow-up"), max_length=1000, blank=True
    )
    created_at = models.DateTimeField(pgettext_lazy("intake", "opened"), auto_now_add=True)
    handled_at = models.DateTimeField(pgettext_lazy("intake", "handled"), null=True, blank=True)

    class Meta:
        verbose_name = pgettext_lazy("intake", "escalation")
        verbose_name_plural = pgettext_lazy("intake", "escalations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The sweep is idempotent: one escalation per order and missed deadline.
            models.UniqueConstraint(
                fields=["work_order", "reason", "deadline"], name="escalation_unique_deadline"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.work_order_id} {self.reason}"
