"""What a meeting carries besides its tally: the documents of its matters, the texts the
owners adopted (the compound's current meeting rules and covenant, with history) and the
receipts owners keep to check later that their ballot was counted."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def matter_document_path(instance: MatterDocument, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"matters/{instance.matter_id}/{instance.token}.{ext}"


class MatterDocument(models.Model):
    """An attachment of a matter (the draft covenant, the contract, the quote for the
    lifts): owners read it before they vote (BJ reg. art. 35: the notice gives the content)."""

    matter = models.ForeignKey(
        "deliberation.Matter", on_delete=models.CASCADE, related_name="documents"
    )
    token = models.CharField(max_length=32, editable=False)
    name = models.CharField(_("file name"), max_length=120)
    file = models.FileField(_("document"), upload_to=matter_document_path)
    content_type = models.CharField(max_length=80)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("matter document")
        verbose_name_plural = _("matter documents")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class AdoptedText(models.Model):
    """One adopted version of a compound's meeting rules or management covenant (Civil Code
    art. 278 items 1–2). The newest is the one in force; older ones stay as history."""

    class Kind(models.TextChoices):
        MEETING_RULES = "meeting_rules", _("meeting rules")
        COVENANT = "covenant", _("management covenant")

    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="adopted_texts"
    )
    kind = models.CharField(_("document"), max_length=16, choices=Kind.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    matter = models.ForeignKey(
        "deliberation.Matter", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    adopted_at = models.DateTimeField(_("adopted"), auto_now_add=True)

    class Meta:
        verbose_name = _("adopted text")
        verbose_name_plural = _("adopted texts")
        ordering = ["compound", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound", "kind", "version"], name="adopted_text_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"


class BallotReceipt(models.Model):
    """Given to an owner each time they confirm their online ballot. The code lets them
    check later that the ballot is counted; it never tells anyone what they chose."""

    vote = models.ForeignKey(
        "deliberation.OwnersVote", on_delete=models.CASCADE, related_name="receipts"
    )
    voter = models.ForeignKey("deliberation.Voter", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(_("verification code"), max_length=16, unique=True)
    answered = models.PositiveSmallIntegerField(_("matters answered"))
    unanswered = models.PositiveSmallIntegerField(_("matters left blank"))
    #: The meeting-rules setting applied to the blank matters (docs/law.md §8).
    unanswered_rule = models.CharField(max_length=16)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued"), auto_now_add=True)
    superseded = models.BooleanField(_("replaced by a later ballot"), default=False)

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.code
