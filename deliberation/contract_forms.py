"""Forms of the contract register and the change of firm (docs/law.md §12)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.models import Compound, Handover, Organization, ServiceContract
from deliberation.policy.principal import PROVIDER_KINDS
from deliberation.user_text import UserTextForm


def _firms() -> Any:
    return Organization.objects.filter(kind__in=PROVIDER_KINDS).order_by("name")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class ContractForm(UserTextForm):
    firm: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Property firm"), queryset=Organization.objects.none()
    )
    starts_on = forms.DateField(label=_("Term starts"), widget=_date_input())
    ends_on = forms.DateField(label=_("Term ends"), widget=_date_input())
    fee_standards = forms.CharField(
        label=_("Fee standards"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("e.g. 2.10 yuan per m² a month for homes; parking 150 yuan a month."),
    )
    service_level = forms.CharField(
        label=_("Service level"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The level agreed (e.g. Beijing grade 2) and what it promises."),
    )
    renewal_notice_days = forms.IntegerField(
        label=_("Days' notice if the firm will not renew"),
        min_value=1,
        max_value=365,
        initial=90,
        help_text=_("90 unless the contract says otherwise (Civil Code art. 947)."),
    )
    dismissal_notice_days = forms.IntegerField(
        label=_("Days' notice if the owners dismiss the firm"),
        min_value=1,
        max_value=365,
        initial=60,
        help_text=_("60 unless the contract says otherwise (Civil Code art. 946)."),
    )

    def __init__(self, *args: Any, compound: Compound, **kwargs: Any):
        super().__init__(*args, **kwargs)
        firm = self.fields["firm"]
        assert isinstance(firm, forms.ModelChoiceField)
        firm.queryset = _firms()
        firm.initial = compound.property_provider_id

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends <= starts:
            self.add_error("ends_on", _("The term must end after it starts."))
        return data


class DismissForm(UserTextForm):
    """The owners decided to dismiss the firm (art. 946): who takes over, and when."""

    new_firm: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("New property firm"), queryset=Organization.objects.none()
    )
    takeover_on = forms.DateField(
        label=_("Takeover date"),
        widget=_date_input(),
        help_text=_("At least the contract's notice period from today (60 days by default)."),
    )

    def __init__(self, *args: Any, contract: ServiceContract, **kwargs: Any):
        super().__init__(*args, **kwargs)
        new_firm = self.fields["new_firm"]
        assert isinstance(new_firm, forms.ModelChoiceField)
        new_firm.queryset = _firms().exclude(pk=contract.firm_id)


CHECKLIST_LABELS = {
    "rooms": _("Service rooms"),
    "facilities": _("Facilities and equipment"),
    "records": _("Records and documents"),
    "funds": _("Funds and accounts"),
}


class TickForm(forms.Form):
    item = forms.ChoiceField(label=_("Handed over"))

    def __init__(self, *args: Any, handover: Handover, **kwargs: Any):
        super().__init__(*args, **kwargs)
        item = self.fields["item"]
        assert isinstance(item, forms.ChoiceField)
        item.choices = [(i, CHECKLIST_LABELS[i]) for i in handover.open_items]
