"""Forms for the steps of the community evaluation (``deliberation.actions.evaluations``):
opening a cycle with its method, the residents' survey, a party's score, an appeal and its
decision. Forms only validate and turn posted ids into rows; the services check the rules
and the state again (``deliberation.services.evaluations``)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deliberation.evaluation_method import DEFAULT_METHOD, validate_method
from deliberation.ids import parse_id
from deliberation.models import EvaluationCycle, Unit
from deliberation.services.evaluations.common import SURVEY_MAX_ANSWER, criteria
from deliberation.user_text import UserTextForm
from deliberation.vote_forms import DATETIME_FORMATS, DATETIME_WIDGET

#: 1 … 5, read by a resident
SURVEY_SCALE = [
    (1, _("very poor")),
    (2, _("poor")),
    (3, _("fair")),
    (4, _("good")),
    (5, _("very good")),
]


def criterion_field(key: str) -> str:
    return f"c_{key}"


class OpenCycleForm(UserTextForm):
    """The half-year, the survey's and the scores' closing times and the method in force
    (a copy of the default the subdistrict may change: weights, proportions, thresholds)."""

    year = forms.IntegerField(label=_("Year"), min_value=2020, max_value=2100)
    half = forms.TypedChoiceField(
        label=_("Half-year"), choices=EvaluationCycle.Half.choices, coerce=int
    )
    survey_closes_at = forms.DateTimeField(
        label=_("Survey closes at"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    scoring_closes_at = forms.DateTimeField(
        label=_("Party scores due by"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    method = forms.CharField(
        label=_("Method (indicators, weights, grades, lists, periods)"),
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false", "class": "code"}),
        max_length=20000,
        help_text=_("Change any number; the method is checked before the cycle opens."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            now = timezone.localtime()
            self.initial.update(
                {
                    "year": now.year,
                    "half": 1 if now.month <= 6 else 2,
                    "survey_closes_at": now + timedelta(days=14),
                    "scoring_closes_at": now + timedelta(days=21),
                    "method": json.dumps(DEFAULT_METHOD, ensure_ascii=False, indent=2),
                }
            )

    def clean_method(self) -> dict[str, Any]:
        try:
            method = json.loads(self.cleaned_data["method"])
        except ValueError as exc:
            raise forms.ValidationError(
                gettext("The method is not well-formed (JSON): %(error)s") % {"error": exc}
            ) from exc
        if not isinstance(method, dict):
            raise forms.ValidationError(gettext("The method must be a set of named values."))
        errors = [str(e) for e in validate_method(method)]
        if errors:
            raise forms.ValidationError(errors)
        return method


class SurveyForm(UserTextForm):
    """One question per criterion of the cycle, 1 (very poor) … 5 (very good)."""

    unit = forms.TypedChoiceField(label=_("Your home"), coerce=int)
    comment = forms.CharField(
        label=_("Anything else the firm should hear? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, cycle: EvaluationCycle, units: list[Unit], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.criteria = criteria(cycle.method, "survey")
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [(u.pk, str(u)) for u in units]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk
        for item in self.criteria:
            self.fields[criterion_field(item["key"])] = forms.TypedChoiceField(
                label=gettext(item["name"]),
                choices=SURVEY_SCALE,
                coerce=int,
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
        self.order_fields(["unit", *(criterion_field(c["key"]) for c in self.criteria)])

    def answers(self) -> dict[str, int]:
        return {c["key"]: self.cleaned_data[criterion_field(c["key"])] for c in self.criteria}


def target_value(scorer_id: int, organization_id: int, compound_id: int | None) -> str:
    return f"{scorer_id}-{organization_id}-{compound_id or 0}"


class PartyScoreForm(UserTextForm):
    """Which organization is scored (for which compound, as which scorer) and the points
    per criterion of the cycle."""

    target = forms.ChoiceField(label=_("Organization scored"))
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, cycle: EvaluationCycle, targets: list[dict[str, Any]], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.criteria = criteria(cycle.method, "party")
        self.targets = {
            target_value(t["scorer"].pk, t["result"].organization_id, t["result"].compound_id): t
            for t in targets
        }
        target_field = self.fields["target"]
        assert isinstance(target_field, forms.ChoiceField)
        target_field.choices = [(value, _target_label(t)) for value, t in self.targets.items()]
        for item in self.criteria:
            self.fields[criterion_field(item["key"])] = forms.IntegerField(
                label=gettext(item["name"]),
                min_value=0,
                max_value=item["max"],
                help_text=gettext("0 to %(max)d points") % {"max": item["max"]},
            )
        self.order_fields(["target", *(criterion_field(c["key"]) for c in self.criteria)])

    def clean_target(self) -> dict[str, Any]:
        value = self.cleaned_data["target"]
        parts = str(value).split("-")
        if len(parts) != 3 or any(parse_id(p) is None and p != "0" for p in parts):
            raise forms.ValidationError(gettext("Choose an organization from the list."))
        return self.targets[value]

    def answers(self) -> dict[str, int]:
        return {c["key"]: self.cleaned_data[criterion_field(c["key"])] for c in self.criteria}


def _target_label(target: dict[str, Any]) -> str:
    result = target["result"]
    where = result.compound.name if result.compound else gettext("overall")
    return f"{result.organization.name} · {where} ({target['scorer'].name})"


class AppealForm(UserTextForm):
    reasons = forms.CharField(
        label=_("Reasons"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    attachment = forms.FileField(
        label=_("Evidence (photo or scan, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class DecideAppealForm(UserTextForm):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[("upheld", _("Uphold: correct the result")), ("rejected", _("Reject"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(
        label=_("Reasons for the decision (published)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    corrected_score = forms.DecimalField(
        label=_("Corrected score (if upheld)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == "upheld" and data.get("corrected_score") is None:
            self.add_error(
                "corrected_score", gettext("An upheld appeal needs the corrected score.")
            )
        return data


__all__ = [
    "SURVEY_MAX_ANSWER",
    "AppealForm",
    "DecideAppealForm",
    "OpenCycleForm",
    "PartyScoreForm",
    "SurveyForm",
]
