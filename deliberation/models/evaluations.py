"""The community evaluation of property service (社区评价红黑榜), one half-year cycle at a time.

The subdistrict opens a cycle with the method in force (docs/law.md §9: indicators,
weights, grade proportions, list thresholds, appeal period), copied into the cycle so a
later change of method never rewrites a published result. Measured inputs come from our own
data; the parties score; evidence adjusts; the subdistrict reviews and publishes; an
evaluated organization may appeal, and an upheld appeal corrects and republishes the result
with the change visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvaluationCycle(models.Model):
    """A half-year evaluation (January–June or July–December) of one subdistrict."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("January–June")
        SECOND = 2, _("July–December")

    class Status(models.TextChoices):
        SCORING = "scoring", pgettext_lazy("evaluation status", "scoring")
        REVIEW = "review", pgettext_lazy("evaluation status", "under review")
        PUBLISHED = "published", pgettext_lazy("evaluation status", "published")
        CLOSED = "closed", pgettext_lazy("evaluation status", "closed")

    subdistrict = models.ForeignKey(
        "deliberation.Subdistrict", on_delete=models.PROTECT, related_name="evaluation_cycles"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCORING
    )
    #: The method in force for this cycle (docs/law.md §9), copied at opening: indicators
    #: and weights, grade proportions, red/black thresholds, evidence caps, appeal days.
    method = models.JSONField(_("method"))
    survey_closes_at = models.DateTimeField(_("survey closes at"))
    scoring_closes_at = models.DateTimeField(_("party scores due by"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    #: 1 at first publication; each republication after an upheld appeal adds one.
    publication = models.PositiveSmallIntegerField(default=0)
    appeals_close_at = models.DateTimeField(_("appeals close at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation cycle")
        verbose_name_plural = _("evaluation cycles")
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "year", "half"], name="one_evaluation_cycle_per_half"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} H{self.half}"


class EvaluationResult(models.Model):
    """One evaluated organization's result, overall (``compound`` empty) or for one compound.

    Created for every provider serving a compound when the cycle opens; the score, grade
    and list are filled at review and may be corrected after an appeal.
    """

    class Grade(models.TextChoices):
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    class Listing(models.TextChoices):
        NONE = "", pgettext_lazy("evaluation list", "neither list")
        RED = "red", pgettext_lazy("evaluation list", "red list")
        BLACK = "black", pgettext_lazy("evaluation list", "black list")

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="results")
    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="evaluation_results"
    )
    compound = models.ForeignKey(
        "deliberation.Compound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluation_results",
    )
    households = models.PositiveIntegerField(_("households"), default=0)
    #: Per indicator: the measured figure and the points it earned, as computed at review.
    measured = models.JSONField(default=dict, blank=True)
    #: Per scoring party: its score and the points it earned (weight moved when missing).
    party_points = models.JSONField(default=dict, blank=True)
    evidence_points = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, blank=True)
    listing = models.CharField(
        _("list"), max_length=8, choices=Listing.choices, blank=True, default=""
    )
    rank = models.PositiveIntegerField(null=True, blank=True)
    #: Why the listing was forced whatever the score (e.g. a serious penalty), shown with it.
    listing_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("evaluation result")
        verbose_name_plural = _("evaluation results")
        ordering = ["cycle", "rank", "organization_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organization", "compound"],
                name="one_result_per_organization_and_compound",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.organization_id}/{self.compound_id}: {self.score}"


class SurveyResponse(models.Model):
    """One household's answer to the residents' survey about its compound's provider.

    Anonymous by construction: no user and no unit is stored, only a keyed hash of the
    cycle and the unit (one response per household), so nobody — the firm included — can
    read back who answered what.
    """

    cycle = models.ForeignKey(
        EvaluationCycle, on_delete=models.CASCADE, related_name="survey_responses"
    )
    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="+"
    )
    household_key = models.CharField(max_length=64)
    #: Per criterion of the cycle's survey: 1 (very poor) … 5 (very good).
    answers = models.JSONField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "household_key"], name="one_survey_response_per_household"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} survey {self.compound_id}"


class PartyScore(models.Model):
    """A party's score of an evaluated organization (for one compound, or overall)."""

    class Scorer(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", _("community Party committee")
        RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee")
        DEPARTMENT = "department", _("subdistrict department")
        SELF = "self", _("self-assessment")

    cycle = models.ForeignKey(EvaluationCycle, on_delete=models.CASCADE, related_name="scores")
    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="+"
    )
    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scorer_role = models.CharField(max_length=24, choices=Scorer.choices)
    scorer = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="+"
    )
    #: Per criterion of the cycle: the points given (0 … the criterion's maximum).
    answers = models.JSONField()
    score = models.DecimalField(max_digits=5, decimal_places=2)
    comment = models.TextField(blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("party score")
        verbose_name_plural = _("party scores")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "organization", "compound", "scorer"],
                name="one_score_per_scorer",
                nulls_distinct=False,
            )
        ]

    def __str__(self) -> str:
        return f"{self.cycle} {self.scorer_role} → {self.organization_id}: {self.score}"


def evidence_path(instance: EvidenceEntry, filename: str) -> str:
    return f"evaluations/{instance.organization_id}/{filename}"


class EvidenceEntry(models.Model):
    """An honour, penalty, inspection finding or commitment that changes the score."""

    class Kind(models.TextChoices):
        HONOUR = "honour", pgettext_lazy("evidence", "honour")
        PENALTY = "penalty", pgettext_lazy("evidence", "penalty")
        INSPECTION = "inspection", pgettext_lazy("evidence", "inspection finding")
        COMMITMENT = "commitment", pgettext_lazy("evidence", "commitment")

    organization = models.ForeignKey(
        "deliberation.Organization", on_delete=models.PROTECT, related_name="evidence"
    )
    compound = models.ForeignKey(
        "deliberation.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=200)
    occurred_on = models.DateField(_("date"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    #: Signed points as the method allows for the kind (honours +, penalties −).
    points = models.DecimalField(_("points"), max_digits=4, decimal_places=1, default=0)
    #: A penalty by the authorities for a serious breach: black list whatever the score.
    serious = models.BooleanField(_("serious breach"), default=False)
    attachment = models.FileField(_("attachment"), upload_to=evidence_path, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("evidence entry")
        verbose_name_plural = _("evidence entries")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"


class Appeal(models.Model):
    """An evaluated organization's appeal against its published result."""

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("appeal", "pending")
        UPHELD = "upheld", pgettext_lazy("appeal", "upheld")
        REJECTED = "rejected", pgettext_lazy("appeal", "rejected")

    result = models.ForeignKey(EvaluationResult, on_delete=models.CASCADE, related_name="appeals")
    reasons = models.TextField(_("reasons"))
    attachment = models.FileField(_("evidence"), upload_to="evaluations/appeals/", blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    #: The result before the decision (score, grade, list), kept so the change stays visible.
    before = models.JSONField(default=dict, blank=True)
    #: The corrected score the decision sets (upheld only).
    corrected_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-filed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["result"],
                condition=models.Q(status="pending"),
                name="one_pending_appeal_per_result",
            )
        ]

    def __str__(self) -> str:
        return f"appeal {self.result_id} ({self.status})"
