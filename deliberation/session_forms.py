"""The input of each step in a consultation session (``deliberation.actions.sessions``).

Forms only check the input's shape and offer the choices the thing allows now (the
agenda's undecided items, the parties, the eligible delegates); the services check the
session's rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deliberation.forms import ConveneForm
from deliberation.ids import parse_id
from deliberation.models import (
    AgendaItem,
    Matter,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
)
from deliberation.services.sessions import party_organizations
from deliberation.user_text import AGENDA_DESCRIPTION_MAX, UserTextForm

Choices = list[tuple[Any, Any]]

PARTY_CHOICES: Choices = list(Party.choices)
YES_NO: Choices = [("yes", _("yes")), ("no", _("no"))]


def _limit(model: Any, name: str) -> int | None:
    return getattr(model._meta.get_field(name), "max_length", None)


class CountField(forms.IntegerField):
    """A whole number spelt like an id (ASCII digits): ``int()`` would take ``"１２"``."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = parse_id(value)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class _Form(UserTextForm):
    """Text is checked as sent, and over-long text is named with its limit, as the
    services' cleaners say it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                # unstripped, so that the control check sees what str.strip() would eat
                # (\x1c–\x1f); the services' cleaners strip
                field.strip = False
            if isinstance(field, forms.CharField) and field.max_length:
                field.error_messages["max_length"] = gettext(
                    "%(field)s is too long (at most %(limit)d characters)."
                ) % {"field": capfirst(field.label or ""), "limit": field.max_length}


class _ChoicesForm(_Form):
    """A form whose ``choices`` the action computes for the thing (``form_kwargs``)."""

    def __init__(self, *args: Any, choices: dict[str, Choices] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, options in (choices or {}).items():
            self.fields[name].choices = options  # type: ignore[attr-defined]


class ItemForm(_ChoicesForm):
    item = forms.TypedChoiceField(label=_("Agenda item"), coerce=int)


class DeferForm(ItemForm):
    to_session = forms.TypedChoiceField(
        label=_("Defer to"), coerce=int, required=False, empty_value=None
    )


class ReorderForm(ItemForm):
    direction = forms.ChoiceField(
        label=_("Move"), choices=[("up", _("up")), ("down", _("down"))], initial="up"
    )


class AddItemForm(_ChoicesForm):
    title = forms.CharField(label=_("New topic"), max_length=_limit(AgendaItem, "title") or 200)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=AGENDA_DESCRIPTION_MAX,
    )
    time_budget_minutes = CountField(
        label=_("Time budget (minutes)"), min_value=1, max_value=599, initial=20, required=False
    )
    issues = forms.TypedMultipleChoiceField(
        label=_("Issues it takes up"), coerce=int, required=False
    )


class ResolutionForm(_Form):
    decision = forms.CharField(
        label=_("Decision"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=_limit(Resolution, "decision") or 2000,
    )
    responsible_party = forms.ChoiceField(label=_("Responsible party"), choices=PARTY_CHOICES)
    cooperating_parties = forms.MultipleChoiceField(
        label=_("Co-operating parties"),
        choices=PARTY_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice"}),
    )
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Give a valid deadline.")},
    )
    acceptance_criteria = forms.CharField(
        label=_("Acceptance criteria"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=_limit(Resolution, "acceptance_criteria") or 2000,
    )

    owners_matter = forms.ChoiceField(
        label=_("Reserved to the owners (Civil Code art. 278)?"),
        required=False,
        help_text=_(
            "Using the maintenance fund, or any matter the owners decide together, is not the "
            "session's to decide: choose its kind and the item is referred to an owners' vote "
            "instead (docs/law.md §8)."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate().isoformat()
        self.fields["deadline"].widget.attrs["min"] = today
        kinds = Matter._meta.get_field("kind").choices or []
        self.fields["owners_matter"].choices = [  # type: ignore[attr-defined]
            ("", _("No: the parties decide")),
            *((str(k), str(v)) for k, v in kinds),  # type: ignore[misc]
        ]


class CountdownForm(_Form):
    party = forms.ChoiceField(label=_("Give the floor to"), choices=PARTY_CHOICES)
    seconds = CountField(label=_("Seconds"), min_value=10, max_value=1800, initial=120)


class AttendanceForm(_Form):
    party = forms.ChoiceField(label=_("Party"), choices=PARTY_CHOICES)
    present = forms.ChoiceField(
        label=_("Present"), choices=[("yes", _("present")), ("no", _("absent"))]
    )


class ModerateForm(_ChoicesForm):
    question = forms.TypedChoiceField(label=_("Question"), coerce=int)
    take_up = forms.ChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Take it up")), ("no", _("Set it aside"))],
        widget=forms.RadioSelect(attrs={"class": "choice"}),
        initial="yes",
    )


class QuestionForm(_Form):
    text = forms.CharField(
        label=_("Ask the chair a question"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=_limit(Question, "text") or 500,
        error_messages={"required": _("Write a question of at most 500 characters.")},
    )


class DelegatesForm(_ChoicesForm):
    delegates = forms.TypedMultipleChoiceField(
        label=_("Delegates"),
        coerce=int,
        error_messages={"required": _("Name at least one delegate.")},
    )

    def __init__(self, *args: Any, chosen: list[int] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial["delegates"] = chosen or []


class PositionForm(_Form):
    stance = forms.ChoiceField(
        label=_("Stance"),
        choices=Position.Stance.choices,
        widget=forms.RadioSelect(attrs={"class": "choice"}),
        error_messages={"required": _("Choose a stance.")},
    )
    statement = forms.CharField(
        label=_("Statement"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=_limit(Position, "statement") or 2000,
    )


class VoteForm(_Form):
    choice = forms.ChoiceField(
        label=_("Vote on the resolution"),
        choices=ResolutionVote.Choice.choices,
        widget=forms.RadioSelect(attrs={"class": "choice"}),
        error_messages={"required": _("Choose agree, object or abstain.")},
    )
    reason = forms.CharField(
        label=_("Reason (required for an objection)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=_limit(ResolutionVote, "reason") or 1000,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == ResolutionVote.Choice.OBJECT and not data.get("reason"):
            self.add_error("reason", _("Give the reason for the objection."))
        return data


class MinutesForm(_Form):
    text = forms.CharField(
        label=_("Edit the minutes"),
        widget=forms.Textarea(attrs={"rows": 24}),
        max_length=50000,
        error_messages={"required": _("The minutes cannot be empty (at most 50000 characters).")},
    )


class ConveneStepForm(ConveneForm):
    """The convene form on one compound, with who will be invited (shown beside it)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        compound = kwargs["compounds"][0]
        self.invitees = [
            (Party(party), organization)
            for party, organization in party_organizations(compound).items()
        ]
