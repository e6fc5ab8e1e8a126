"""Forms for the steps of owners' votes and owners' committees (``deliberation.actions``).

Each form only validates and turns posted ids into the rows the services take; the services
check the law and the state again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.ids import parse_id
from deliberation.law.owners_votes import DEFAULT_UNANSWERED, Unanswered
from deliberation.models import (
    Ballot,
    Candidate,
    Matter,
    OwnersVote,
    PetitionSignature,
    User,
    Voter,
)
from deliberation.selectors.ballot_codes import ballot_code, voter_for_code
from deliberation.selectors.owner_register import Head
from deliberation.user_text import UserTextForm

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "iso-8601"]


class PlainNumberField(forms.IntegerField):
    """A whole number spelt in ASCII digits only: ``int()`` (and so Django's field) takes
    "٥", "５" and "5_0"."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        text = str(value).strip()
        number = 0 if text == "0" else parse_id(text)
        if number is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class ElectionForm(forms.Form):
    seats = PlainNumberField(label=_("members"), min_value=1, max_value=99, initial=5)
    alternates = PlainNumberField(
        label=_("alternates"), min_value=0, max_value=99, initial=0, required=False
    )
    term_years = PlainNumberField(label=_("term (years)"), min_value=1, max_value=5, initial=5)


def _head_label(head: Head) -> str:
    return f"{head.label}（{'、'.join(head.units)}）" if head.units else head.label


#: How staff may enter a signature for an owner, in the order a clerk meets them.
ENTERED_FOR_CHOICES = [
    (PetitionSignature.How.PAPER.value, _("On a paper form the owner signed")),
    (PetitionSignature.How.IN_PERSON.value, _("In person")),
    (PetitionSignature.How.PHONE.value, _("By phone")),
]


class SignatureForOwnerForm(forms.Form):
    """Staff enter an owner's signature (assisted participation, docs/law.md §13). The
    service checks the rest: a phone signature needs its call (``record_signature_for``)."""

    #: Offers the owners who have not signed; the service checks the register and answers a
    #: signature entered meanwhile (a second clerk, a page out of date) with a clear 409.
    key = forms.CharField(
        label=_("Owner"),
        help_text=_("From the owner register; owners who have signed are not listed."),
        widget=forms.Select,
    )
    how = forms.ChoiceField(
        label=_("How did the owner give the signature?"),
        choices=ENTERED_FOR_CHOICES,
        widget=forms.RadioSelect,
    )
    call_at = forms.DateTimeField(
        label=_("Time of the call"),
        help_text=_("By phone only."),
        required=False,
        widget=DATETIME_WIDGET,
        input_formats=DATETIME_FORMATS,
    )
    call_note = forms.CharField(
        label=_("The call"),
        help_text=_(
            "By phone only: who called whom, and the number, e.g. “the owner called from "
            "138…, said name and unit”."
        ),
        max_length=200,
        required=False,
    )

    def __init__(self, *args: Any, heads: list[Head], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["key"].widget.choices = [(h.key, _head_label(h)) for h in heads]  # type: ignore[attr-defined]


class ReviewForm(forms.Form):
    observer = forms.ModelChoiceField(
        label=_("Observer of the residents' committee"),
        queryset=User.objects.none(),
        error_messages={
            "invalid_choice": _("The observer must be a member of the residents' committee.")
        },
    )

    def __init__(self, *args: Any, vote: OwnersVote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rc = vote.compound.community.residents_committee_id or 0
        field: Any = self.fields["observer"]
        field.queryset = User.objects.filter(
            memberships__organization_id=rc, memberships__active=True
        ).distinct()


class NoticeForm(UserTextForm):
    opens_at = forms.DateTimeField(
        label=_("voting opens"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    closes_at = forms.DateTimeField(
        label=_("voting closes"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    place_and_method = forms.CharField(label=_("place and method"), max_length=200, required=False)

    def __init__(self, *args: Any, earliest: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if earliest is not None:
            self.fields["opens_at"].help_text = _(
                "Voting may open from %(when)s at the earliest."
            ) % {"when": timezone.localtime(earliest).strftime("%Y-%m-%d %H:%M")}


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Record delivery of the paper notice to every owner not yet reached"),
        choices=[("paper", _("handed over on paper")), ("posted", _("posted to the door"))],
    )


#: What a blank matter means, per the meeting rules' setting (docs/law.md §8 [practice]).
UNANSWERED_CONSEQUENCE = {
    Unanswered.NOT_TAKING_PART.value: _(
        "Left blank: you do not take part on this matter. Your head and area are not counted "
        "for its quorum or its result."
    ),
    Unanswered.ABSTAIN.value: _(
        "Left blank: you are counted as abstaining. You take part (your head and area count "
        "towards the quorum) but you do not agree."
    ),
}


@dataclass(frozen=True)
class ReviewLine:
    matter: Matter
    choice: str  # the label of the choice, "" when blank
    consequence: str


class BallotForm(forms.Form):
    """One radio group per noticed matter; a matter already voted on paper is fixed.

    Saving takes two steps: the first submission shows the review (every matter with the
    owner's choice, a blank one with its consequence under the meeting rules); only the
    "confirm" button saves (docs/law.md §8)."""

    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        matters: list[Matter],
        rule: str = DEFAULT_UNANSWERED.value,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.matters = matters
        self.rule = rule
        self.review: list[ReviewLine] = []
        self.review_message = ""
        for m in matters:
            mine = getattr(m, "mine", None)
            self.fields[f"choice_{m.pk}"] = forms.ChoiceField(
                label=f"{m.position}. {m.title}",
                choices=Ballot.Choice.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=mine,
                disabled=getattr(m, "mine_channel", "") == Ballot.Channel.PAPER,
            )

    def rows(self) -> list[tuple[Matter, Any]]:
        return [(m, self[f"choice_{m.pk}"]) for m in self.matters]

    @property
    def blank_count(self) -> int:
        return sum(1 for line in self.review if not line.choice)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        chosen = {
            m: data[f"choice_{m.pk}"]
            for m in self.matters
            if data.get(f"choice_{m.pk}") and not self.fields[f"choice_{m.pk}"].disabled
        }
        if not chosen:
            raise forms.ValidationError(_("Choose agree, disagree or abstain."))
        labels = dict(Ballot.Choice.choices)
        for m in self.matters:
            choice = data.get(f"choice_{m.pk}") or getattr(m, "mine", None) or ""
            self.review.append(
                ReviewLine(
                    m, str(labels[choice]) if choice else "", str(UNANSWERED_CONSEQUENCE[self.rule])
                )
            )
        data["choices"] = chosen
        data["answered"] = len(self.review) - self.blank_count
        data["unanswered"] = self.blank_count
        if not data.get("confirmed"):
            self.review_message = str(
                _("Check your ballot below, then confirm it. Nothing is saved yet.")
            )
            raise forms.ValidationError(
                _("Check your ballot below, then confirm it. Nothing is saved yet."),
                code="review",
            )
        return data


class ReceiptCheckForm(forms.Form):
    code = forms.CharField(
        label=_("receipt code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("As printed on your receipt, e.g. ABCD-EFGH-JKMN."),
    )


class PaperBallotForm(forms.Form):
    code = forms.CharField(
        label=_("Ballot code"),
        help_text=_("As printed on the paper ballot; it picks the owner."),
        max_length=40,
        required=False,
    )
    voter = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=Voter.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose an owner from this meeting's register.")},
    )
    matter = forms.ChoiceField(label=_("Matter"))
    choice = forms.ChoiceField(label=_("Choice"), choices=Ballot.Choice.choices)

    def __init__(self, *args: Any, vote: OwnersVote, matters: list[Matter], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote = vote
        voter: Any = self.fields["voter"]
        voter.queryset = Voter.objects.filter(vote=vote).order_by("label", "pk")
        voter.label_from_instance = lambda v: f"{v.label} · {v.units}"
        self.matters = {str(m.pk): m for m in matters}
        self.fields["matter"].choices = [  # type: ignore[attr-defined]
            (key, f"{m.position}. {m.title}") for key, m in self.matters.items()
        ]
        self.fields["matter"].error_messages["invalid_choice"] = _(
            "Only noticed matters can be voted on."
        )

    def clean_matter(self) -> Matter:
        return self.matters[self.cleaned_data["matter"]]

    def clean(self) -> dict[str, Any]:
        """The owner from the printed code, or as chosen; both given must agree."""
        data = super().clean() or {}
        code, chosen = data.get("code"), data.get("voter")
        if code:
            voter = voter_for_code(self.vote, code)
            if voter is None:
                self.add_error(
                    "code",
                    _("This code is not on a ballot of this meeting: check it against the paper."),
                )
            elif chosen is not None and chosen.pk != voter.pk:
                self.add_error("voter", _("The owner chosen is not the one the code names."))
            else:
                data["voter"] = voter
        elif chosen is None and "voter" not in self.errors:
            self.add_error("voter", _("Choose an owner or enter the ballot code."))
        return data


class ConfirmPaperForm(forms.Form):
    ballot = forms.ModelChoiceField(
        label=_("Paper ballot awaiting a second person"),
        queryset=Ballot.objects.none(),
        error_messages={"invalid_choice": _("This paper entry no longer exists.")},
    )
    choice = forms.ChoiceField(label=_("Choice on the paper ballot"), choices=Ballot.Choice.choices)

    def __init__(self, *args: Any, vote: OwnersVote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["ballot"]
        field.queryset = (
            Ballot.objects.filter(matter__vote=vote, confirmed=False, channel=Ballot.Channel.PAPER)
            .select_related("voter", "matter")
            .order_by("id")
        )
        field.label_from_instance = lambda b: (
            f"{ballot_code(vote.pk, b.voter_id)} · {b.voter.label} · "
            f"{b.matter.position}. {b.matter.title}"
        )


# --- owners' committee elections --------------------------------------------------------------


class NominateForm(forms.Form):
    person = forms.ChoiceField(label=_("candidate"))
    nominated_by = forms.ChoiceField(label=_("nominated by"), choices=Candidate.Source.choices)
    interest = forms.BooleanField(label=_("interest in the property firm"), required=False)
    defaulter = forms.BooleanField(label=_("listed as a judgment defaulter"), required=False)

    def __init__(self, *args: Any, heads: list[Head], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [  # type: ignore[attr-defined]
            (str(h.person_id), h.label) for h in heads if h.person_id
        ]

    def clean_person(self) -> User:
        person = User.objects.filter(pk=self.cleaned_data["person"]).first()
        if person is None:
            raise forms.ValidationError(_("Choose a person."))
        return person


class PutToVoteForm(UserTextForm):
    title = forms.CharField(
        label=_("title"),
        max_length=200,
        required=False,
        help_text=pgettext_lazy("committee", "Default: Owners' committee election"),
    )


class ChairForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("chair"),
        queryset=User.objects.none(),
        error_messages={"invalid_choice": _("The chair must be an elected member.")},
    )

    def __init__(self, *args: Any, election: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.queryset = User.objects.filter(
            pk__in=election.candidates.filter(elected="member").values("person_id")
        ).order_by("pk")
