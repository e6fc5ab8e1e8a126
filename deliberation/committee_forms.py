"""Forms of the committee bodies: who sits on a preparatory / re-election group or a 物管会
(one row per member: the person and whom they represent, and who leads), the guidance of
the community, the application for a first owners' committee.

The rules are not checked here: ``services.committee_bodies.check`` answers the page as the
form is filled and the service refuses with every problem (docs/law.md §§4–5)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.law import owners_votes as law
from deliberation.models import BodySeat, Compound, Membership, Organization, User
from deliberation.selectors.owner_register import owner_register
from deliberation.services.committee_bodies import Composition

#: rows offered for members; a 物管会 needs 7, a large group rarely more than 15.
MAX_MEMBERS = 15
K = Organization.Kind
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _name(user: User) -> str:
    return str(user)  # the display name, else the username


def eligible_people(compound: Compound) -> QuerySet[User]:
    """The compound's owners and the people of the organizations that send members: the
    community's committees, the subdistrict, the developer and firm serving it."""
    owners = [h.person_id for h in owner_register(compound).heads if h.person_id]
    community = compound.community
    orgs = Q(organization__subdistrict_id=community.subdistrict_id) & Q(
        organization__kind__in=(K.SUBDISTRICT_OFFICE, K.SUPERVISION_GROUP)
    )
    own = [
        o
        for o in (
            community.residents_committee_id,
            community.party_committee_id,
            compound.property_provider_id,
        )
        if o
    ]
    members = Membership.objects.filter(orgs | Q(organization_id__in=own), active=True)
    return User.objects.filter(Q(pk__in=owners) | Q(pk__in=members.values("user_id"))).order_by(
        "pk"
    )


class CompositionForm(forms.Form):
    """Rows of (person, represents); blank rows are ignored. The people are read once and
    offered in every row (a query per row would grow with the rows)."""

    rows_count = MAX_MEMBERS

    def __init__(self, *args: Any, compound: Compound, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in eligible_people(compound)}
        people = [("", "—"), *((str(pk), _name(p)) for pk, p in self.people.items())]
        seat_choices = [("", "—"), *BodySeat._meta.get_field("seat").choices]  # type: ignore[misc]
        for i in range(1, self.rows_count + 1):
            self.fields[f"person_{i}"] = forms.ChoiceField(
                label=_("Member %(n)s") % {"n": i}, choices=people, required=False
            )
            self.fields[f"seat_{i}"] = forms.ChoiceField(
                label=_("represents"), choices=seat_choices, required=False
            )
        self.fields["chair"] = forms.ChoiceField(
            label=_("Chair / leader"), choices=people, required=False
        )

    def _person(self, value: Any) -> User | None:
        return self.people.get(int(value)) if value else None

    def rows(self) -> list[tuple[int, Any, Any]]:
        return [(i, self[f"person_{i}"], self[f"seat_{i}"]) for i in range(1, self.rows_count + 1)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seats: list[tuple[User, str]] = []
        seen: set[int] = set()
        for i in range(1, self.rows_count + 1):
            person, seat = self._person(data.get(f"person_{i}")), data.get(f"seat_{i}")
            if person is None and not seat:
                continue
            if person is None:
                self.add_error(f"person_{i}", _("Choose the member."))
            elif not seat:
                self.add_error(f"seat_{i}", _("Choose whom the member represents."))
            elif person.pk in seen:
                self.add_error(f"person_{i}", _("This person is already a member."))
            else:
                seen.add(person.pk)
                seats.append((person, law.Seat(seat)))
        if not seats and not self.errors:
            self.add_error(None, _("Enter the members."))
        data["composition"] = Composition(seats=seats, chair=self._person(data.get("chair")))
        return data


class PmCommitteeForm(CompositionForm):
    """A 物管会: its members and chair, and its term (at most 3 years, docs/law.md §5)."""

    def __init__(self, *args: Any, compound: Compound, **kwargs: Any) -> None:
        super().__init__(*args, compound=compound, **kwargs)
        today = timezone.localdate()
        self.fields["term_start"] = forms.DateField(
            label=_("term starts"), initial=today, widget=DATE_WIDGET
        )
        self.fields["term_end"] = forms.DateField(
            label=_("term ends"), initial=law.add_years(today, 3), widget=DATE_WIDGET
        )


class ApplicationForm(forms.Form):
    applied_on = forms.DateField(
        label=_("application received"), required=False, widget=DATE_WIDGET
    )

    def clean_applied_on(self) -> date | None:
        day = self.cleaned_data.get("applied_on")
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(_("The application cannot be received in the future."))
        return day


class GuidanceForm(forms.Form):
    source = forms.ChoiceField(
        label=_("guidance of"),
        choices=[
            ("party", _("community Party organization")),
            ("residents_committee", _("residents' committee")),
        ],
    )
    text = forms.CharField(label=_("guidance"), max_length=4000, widget=forms.Textarea)
