"""Forms of residents' accounts: registering by phone, asking to link a home, the
committee's decisions and the accounts it creates (one, or previewed rows from a file)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from deliberation.errors import InvalidInput
from deliberation.models import Compound, Residency
from deliberation.services.phone_codes import normalize_phone
from deliberation.user_text import UserTextForm

RELATIONS = Residency.Relation.choices
RESIDENT_ROWS_MAX_AGE = 60 * 60


class PhoneField(forms.CharField):
    """A mainland mobile number, normalised to its 11 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self, value: Any) -> str:
        raw = super().clean(value)
        try:
            return normalize_phone(raw)
        except InvalidInput as exc:
            raise forms.ValidationError(str(exc), code="phone") from exc


class PhoneForm(UserTextForm):
    phone = PhoneField()


class CodeField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(label=_("Code from the SMS"), max_length=6, min_length=6, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})


class PasswordPairForm(UserTextForm):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        max_length=128,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return data


class VerifyForm(PasswordPairForm):
    """The code from the SMS, the person's name and a password."""

    code = CodeField()
    name = forms.CharField(label=_("Your name"), max_length=100)
    relation = forms.ChoiceField(label=_("You are the home's"), choices=RELATIONS)
    field_order = ["code", "name", "relation", "password1", "password2"]

    def __init__(self, *args: Any, invited: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not invited:  # the relation is asked only for the letter's home
            del self.fields["relation"]


class ResetForm(PasswordPairForm):
    code = CodeField()
    field_order = ["code", "password1", "password2"]


class LinkRequestForm(UserTextForm):
    """Which home: the compound, the building and the unit number, as on the door."""

    compound = forms.ModelChoiceField(
        queryset=Compound.objects.order_by("name"), label=_("Compound")
    )
    building = forms.CharField(label=_("Building"), max_length=50)
    number = forms.CharField(label=_("Unit number"), max_length=20)
    relation = forms.ChoiceField(label=_("You are the home's"), choices=RELATIONS)


class ApproveLinkForm(forms.Form):
    checked = forms.BooleanField(
        label=_("I saw proof of ownership (deed or contract)"),
        required=False,
        help_text=_("Needed only when the owner register does not name this person."),
    )


class RefuseLinkForm(UserTextForm):
    reason = forms.CharField(label=_("Reason (the person reads it)"), max_length=300)


class CreateResidentForm(UserTextForm):
    """The committee links a person to a unit of the compound."""

    name = forms.CharField(label=_("Name"), max_length=100)
    phone = PhoneField()
    building = forms.CharField(label=_("Building"), max_length=50)
    number = forms.CharField(label=_("Unit number"), max_length=20)
    relation = forms.ChoiceField(label=_("Relation"), choices=RELATIONS)

    def __init__(self, *args: Any, compound: Compound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.compound = compound


def _rows_salt(compound_pk: int, user_pk: int | None) -> str:
    return f"yishi.resident-import:{compound_pk}:{user_pk}"


def sign_resident_rows(compound: Compound, user: Any, rows: list[dict[str, Any]]) -> str:
    return signing.dumps(rows, salt=_rows_salt(compound.pk, user.pk), compress=True)


class ResidentRowsForm(forms.Form):
    """Confirming a residents import: the previewed rows, signed for this compound and
    person (an altered or stale preview is refused; the service checks them again)."""

    rows = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, compound: Compound, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.salt = _rows_salt(compound.pk, user.pk)
        self.fields["rows"].error_messages["required"] = _(
            "Nothing was previewed: upload the file first."
        )

    def clean_rows(self) -> list[dict[str, Any]]:
        stale = _("The preview is out of date or was altered: upload the file again.")
        try:
            rows = signing.loads(
                self.cleaned_data["rows"], salt=self.salt, max_age=RESIDENT_ROWS_MAX_AGE
            )
        except signing.BadSignature as exc:
            raise forms.ValidationError(stale, code="stale") from exc
        if not isinstance(rows, list) or not rows:
            raise forms.ValidationError(stale, code="stale")
        return rows
