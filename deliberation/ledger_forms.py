"""Forms of the public-revenue ledger: an entry (with its receipts and the idempotency key
that makes a double-sent form one entry), a rejection, the owners' decision a spending
waits for. Services check again what they must (docs/law.md §11)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deliberation.law.ledger import MAX_AMOUNT
from deliberation.models import LedgerEntry, Matter, Organization
from deliberation.photos import PhotosField
from deliberation.user_text import UserTextForm

E = LedgerEntry


def _new_key() -> str:
    return uuid.uuid4().hex


class EntryForm(UserTextForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("entered for"), empty_label=None
    )
    direction = forms.ChoiceField(label=_("income or spending"), choices=E.Direction.choices)
    category = forms.ChoiceField(label=_("category"), choices=E.Category.choices)
    amount = forms.DecimalField(
        label=_("amount (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        max_value=MAX_AMOUNT,
    )
    occurred_on = forms.DateField(label=_("date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(label=_("description"), max_length=200)
    counterparty = forms.CharField(label=_("paid by / paid to"), max_length=100, required=False)
    corrects = forms.ModelChoiceField(
        queryset=E.objects.none(), label=_("corrects entry"), required=False
    )
    receipts = PhotosField(label=_("receipts (photos or scans)"))
    key = forms.CharField(widget=forms.HiddenInput, initial=_new_key, max_length=64)

    def __init__(self, *args: Any, organizations: Any = (), compound: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        if compound is not None:
            self.fields["corrects"].queryset = E.objects.filter(  # type: ignore[attr-defined]
                compound=compound, status=E.Status.APPROVED
            ).order_by("-id")


class RejectForm(UserTextForm):
    reason = forms.CharField(label=_("reason"), max_length=200)


class LinkDecisionForm(forms.Form):
    matter = forms.ModelChoiceField(queryset=Matter.objects.none(), label=_("owners' decision"))

    def __init__(self, *args: Any, compound: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = (  # type: ignore[attr-defined]
            Matter.objects.filter(vote__compound=compound)
            .select_related("vote")
            .order_by("-vote_id", "position")
        )
        self.fields["matter"].label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.vote.title} · {m.position}. {m.title}"
        )


class RulesForm(forms.Form):
    """The threshold the owners adopted, and the decision that adopted it."""

    vote_threshold = forms.DecimalField(
        label=_("spending above this needs an owners' vote (yuan)"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        max_value=MAX_AMOUNT,
    )
    adopted_by = forms.ModelChoiceField(
        queryset=Matter.objects.none(), label=_("adopted by the owners' decision")
    )

    def __init__(self, *args: Any, compound: Any = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["adopted_by"]
        field.queryset = (  # type: ignore[attr-defined]
            Matter.objects.filter(vote__compound=compound, outcome="passed")
            .select_related("vote")
            .order_by("-vote_id", "position")
        )
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda m: f"{m.vote.title} · {m.position}. {m.title}"
        )
