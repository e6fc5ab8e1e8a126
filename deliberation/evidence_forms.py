"""The form for entering evidence in an evaluated organization's ledger (docs/law.md §9)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import Compound, EvidenceEntry, Organization
from deliberation.services.evaluations.evidence import recordable_compounds, recordable_kinds
from deliberation.user_text import UserTextForm


class EvidenceForm(UserTextForm):
    kind = forms.ChoiceField(label=_("Kind"))
    compound: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Compound"),
        queryset=Compound.objects.none(),
        required=False,
        empty_label=_("The organization as a whole"),
    )
    title = forms.CharField(label=_("What it is"), max_length=200)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("Who awarded, imposed, found or promised it (e.g. the housing office)."),
    )
    occurred_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    expires_on = forms.DateField(
        label=_("Counts until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty: it counts in the half-year of its date only."),
    )
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Honours add points, penalties take them away, within the method's range."),
    )
    serious = forms.BooleanField(
        label=_("A penalty by the authorities for a serious breach (black list)"), required=False
    )
    description = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    attachment = forms.FileField(
        label=_("Attachment (PDF, JPEG, PNG or WebP, up to 10 MB)"), required=False
    )

    def __init__(self, *args: Any, organization: Organization, user: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        kinds = recordable_kinds(user)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [
            (value, label) for value, label in EvidenceEntry.Kind.choices if value in kinds
        ]
        field = self.fields["compound"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = recordable_compounds(user, organization)
        if "penalty" not in kinds:
            field.required = True
            field.empty_label = None
            del self.fields["serious"]
