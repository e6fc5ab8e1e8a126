from __future__ import annotations

from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import AgendaItem, Announcement, Compound, Issue, Organization, Session
from deliberation.user_text import UserTextForm, UserTextModelForm, clean_field, clean_link


class AnnouncementForm(UserTextModelForm):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("post as"), empty_label=None
    )

    class Meta:
        model = Announcement
        fields = ["organization", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]


def _session_limit(name: str) -> int:
    return Session._meta.get_field(name).max_length  # type: ignore[union-attr,return-value]


class ConveneForm(UserTextForm):
    """The secretary's convene form. It only validates the input and offers the compounds,
    organizations and waiting issues the view chose; ``convene_session`` checks the rules."""

    title = forms.CharField(
        label=_("Title"),
        max_length=_session_limit("title"),
        error_messages={
            "required": _("Give a title (at most 200 characters)."),
            "max_length": _("Give a title (at most 200 characters)."),
        },
    )
    organization = forms.ModelChoiceField(
        label=_("Convened by"), queryset=Organization.objects.none(), empty_label=None
    )
    compound = forms.ModelChoiceField(
        label=pgettext_lazy("intake", "Compound"),
        queryset=Compound.objects.none(),
        empty_label=None,
        widget=forms.Select(attrs={"data-compound-select": ""}),
    )
    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"invalid": _("Give a valid date and time.")},
    )
    place = forms.CharField(label=_("Place"), max_length=_session_limit("place"), required=False)
    online_link = forms.CharField(label=_("Online link"), required=False, widget=forms.URLInput)
    agenda = forms.CharField(
        label=_("Agenda topics (one per line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    issues = forms.ModelMultipleChoiceField(
        label=_("Issues waiting for a session (each becomes an agenda item)"),
        queryset=Issue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice"}),
    )
    adoption_rule = forms.ChoiceField(
        label=_("Adoption rule"), choices=Session.AdoptionRule.choices
    )

    def __init__(
        self,
        *args: Any,
        compounds: list[Compound],
        organizations: list[Organization],
        waiting: list[Issue],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        f = self.fields
        # The lists are already loaded: offer them without a query per render.
        f["compound"].queryset = Compound.objects.filter(pk__in=[c.pk for c in compounds])  # type: ignore[attr-defined]
        f["compound"].choices = [(c.pk, c.name) for c in compounds]  # type: ignore[attr-defined]
        f["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in organizations]
        )
        f["organization"].choices = [(o.pk, o.name) for o in organizations]  # type: ignore[attr-defined]
        f["issues"].queryset = Issue.objects.filter(pk__in=[i.pk for i in waiting])  # type: ignore[attr-defined]
        f["issues"].choices = [(i.pk, waiting_label(i)) for i in waiting]  # type: ignore[attr-defined]
        if not waiting:
            del f["issues"]

    def clean_online_link(self) -> str:
        label = self.fields["online_link"].label or ""
        return clean_link(self.cleaned_data["online_link"], label=label)

    def clean_agenda(self) -> str:
        """Each line becomes a topic: each line within a topic's limit."""
        for line in self.cleaned_data["agenda"].splitlines():
            clean_field(AgendaItem, "title", line)
        return str(self.cleaned_data["agenda"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        compound, issues = data.get("compound"), data.get("issues") or []
        if compound is not None and any(i.compound_id != compound.pk for i in issues):
            self.add_error("issues", _("Pick only issues of the chosen compound."))
        return data


def waiting_label(issue: Issue) -> str:
    """How a waiting issue is offered as an agenda item: number, place, first words."""
    words = " ".join(issue.description.split())
    short = words if len(words) <= 40 else words[:39] + "…"
    return f"#{issue.pk} {issue.compound.name if issue.compound else ''} · {short}"


#: How long a previewed owner register stays importable without uploading it again.
REGISTER_PREVIEW_MAX_AGE = 60 * 60


def _register_salt(compound_pk: int, user_pk: int | None) -> str:
    return f"yishi.owner-register-import:{compound_pk}:{user_pk}"


def sign_register_rows(compound: Compound, user: Any, rows: list[dict[str, Any]]) -> str:
    """The previewed rows, signed for this compound and this person: the confirm step
    carries them back instead of keeping them in the session."""
    return signing.dumps(rows, salt=_register_salt(compound.pk, user.pk), compress=True)


class RegisterRowsForm(forms.Form):
    """Confirming an owner register import: the rows the person previewed, signed. An
    altered, foreign or stale preview is refused (the service checks the rows again)."""

    rows = forms.CharField(widget=forms.HiddenInput)

    error_messages = {
        "stale": _("The preview is out of date or was altered: upload the file again."),
    }

    def __init__(self, *args: Any, compound: Compound, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.salt = _register_salt(compound.pk, user.pk)
        self.fields["rows"].error_messages["required"] = _(
            "Nothing was previewed: upload the file first."
        )

    def clean_rows(self) -> list[dict[str, Any]]:
        try:
            rows = signing.loads(
                self.cleaned_data["rows"], salt=self.salt, max_age=REGISTER_PREVIEW_MAX_AGE
            )
        except signing.BadSignature as exc:  # SignatureExpired is one
            raise forms.ValidationError(self.error_messages["stale"], code="stale") from exc
        if not isinstance(rows, list) or not rows:
            raise forms.ValidationError(self.error_messages["stale"], code="stale")
        return rows
