"""Forms for reporting and triaging issues and for acting on work orders.

Each form only validates; views hand ``cleaned_data`` to a service or a flow.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import (
    Building,
    Compound,
    Issue,
    IssueCategory,
    Organization,
    Unit,
    Urgency,
)
from deliberation.photos import PhotosField
from deliberation.user_text import UserTextForm

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
STAFF_CHANNEL_CHOICES = [
    (c.value, c.label)
    for c in (
        Issue.Channel.PHONE,
        Issue.Channel.WALK_IN,
        Issue.Channel.INSPECTION,
        Issue.Channel.PROACTIVE,
    )
]


class BuildingSelect(forms.Select):
    """Each building names its compound (``data-compound``): static/js/forms.js then offers
    only the chosen compound's buildings, without another request."""

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        building = getattr(option["value"], "instance", None)
        if building is not None:
            option["attrs"]["data-compound"] = str(building.compound_id)
        return option


class ReportForm(UserTextForm):
    """The resident's mobile form (and, with ``staff=True``, staff entry)."""

    channel = forms.ChoiceField(label=_("How it reached us"), choices=STAFF_CHANNEL_CHOICES)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=100, required=False)
    reporter_phone = forms.RegexField(
        label=_("Reporter's phone"),
        regex=r"^[0-9+\- ]{5,20}$",
        required=False,
        error_messages={"invalid": _("Enter a phone number (digits only).")},
    )
    compound = forms.ModelChoiceField(
        label=pgettext_lazy("intake", "Compound"),
        queryset=Compound.objects.none(),
        required=False,
        empty_label=_("Elsewhere (describe below)"),
        widget=forms.Select(attrs={"data-compound-select": ""}),
    )
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.none(),
        required=False,
        widget=BuildingSelect(attrs={"data-follows-compound": ""}),
    )
    unit_number = forms.CharField(label=_("Unit (room number)"), max_length=20, required=False)
    location_text = forms.CharField(label=_("Where exactly"), max_length=200, required=False)
    category = forms.ModelChoiceField(
        label=pgettext_lazy("intake", "Category"),
        queryset=IssueCategory.objects.filter(active=True),
        required=False,
        empty_label=_("Not sure"),
    )
    urgency = forms.ChoiceField(
        label=pgettext_lazy("intake", "Urgency"), choices=Urgency.choices, initial=Urgency.ORDINARY
    )
    description = forms.CharField(
        label=_("What is the problem?"),
        min_length=2,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    photos = PhotosField(label=_("Photos (up to 3, JPEG/PNG/WebP, 5 MB each)"))
    # Set when the form is shown; a second post with the same key (a double click) gets the
    # issue the first one created (deliberation.services.idempotency).
    submission = forms.RegexField(
        regex=r"^[A-Za-z0-9_-]{16,64}$",
        max_length=64,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("The form is damaged; reload the page and send again.")},
    )

    def __init__(
        self, *args: Any, compounds: QuerySet[Compound], staff: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.staff = staff
        f = self.fields
        f["compound"].queryset = compounds  # type: ignore[attr-defined]
        f["building"].queryset = Building.objects.filter(  # type: ignore[attr-defined]
            compound__in=compounds
        ).select_related("compound")
        f["building"].label_from_instance = lambda b: f"{b.compound.name} {b.name}"  # type: ignore[attr-defined]
        if staff:
            f["compound"].required = True
            f["compound"].empty_label = None  # type: ignore[attr-defined]
        else:
            for name in ("channel", "reporter_name", "reporter_phone"):
                del f[name]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        compound, building = data.get("compound"), data.get("building")
        if compound is None and not data.get("location_text") and "compound" not in self.errors:
            self.add_error("location_text", _("Say where it is, or choose your compound."))
        if building is not None and (compound is None or building.compound_id != compound.pk):
            self.add_error("building", _("That building is not in the chosen compound."))
        number = data.get("unit_number")
        data["unit"] = None
        if number and building is not None and "building" not in self.errors:
            data["unit"] = Unit.objects.filter(building=building, number=number).first()
            if data["unit"] is None:
                self.add_error("unit_number", _("There is no such unit in that building."))
        return data


class CategoryForm(UserTextForm):
    category = forms.ModelChoiceField(
        label=pgettext_lazy("intake", "Category"),
        queryset=IssueCategory.objects.filter(active=True),
    )
    urgency = forms.ChoiceField(label=pgettext_lazy("intake", "Urgency"), choices=Urgency.choices)
    compound = forms.ModelChoiceField(
        label=pgettext_lazy("intake", "Compound"),
        queryset=Compound.objects.order_by("name"),
        required=False,
        help_text=_("Only for an issue reported without one."),
    )


class DispatchForm(UserTextForm):
    responsible = forms.ModelChoiceField(
        label=_("Responsible party"),
        queryset=Organization.objects.exclude(kind=Organization.Kind.DEVELOPER),
    )
    co_operating = forms.ModelMultipleChoiceField(
        label=_("Co-operating organizations"),
        queryset=Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    title = forms.CharField(label=_("Work order title"), max_length=200, required=False)
    acceptance_criteria = forms.CharField(
        label=_("Acceptance criteria"), max_length=2000, required=False
    )
    staff_note = forms.CharField(label=_("Staff-only note"), max_length=2000, required=False)

    def __init__(
        self,
        *args: Any,
        issue: Issue,
        suggested: Organization | None = None,
        deadlines: tuple[datetime, datetime] | None = None,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("title", work_order_title(issue))
        if suggested is not None:
            initial.setdefault("responsible", suggested.pk)
        super().__init__(*args, **kwargs)
        #: drawn above the fields (issues/_dispatch_action.html): who the compound's
        #: category and management mode suggest, and the SLA a dispatch now would set
        self.issue, self.suggested, self.deadlines = issue, suggested, deadlines
        self.fields["co_operating"].queryset = community_organizations(issue)  # type: ignore[attr-defined]
        self._share_organizations()

    def _share_organizations(self) -> None:
        """Responsible and co-operating choices from one query (each organization marked
        ``local`` when it may co-operate); a ModelChoiceField would query on every render,
        and validation still uses the querysets."""
        responsible, co_operating = self.fields["responsible"], self.fields["co_operating"]
        local = co_operating.queryset.filter(pk=OuterRef("pk"))  # type: ignore[attr-defined]
        orgs = list(responsible.queryset.annotate(local=Exists(local)))  # type: ignore[attr-defined]
        responsible.choices = [  # type: ignore[attr-defined]
            ("", responsible.empty_label or ""),  # type: ignore[attr-defined]
            *[(o.pk, str(o)) for o in orgs],
        ]
        co_operating.choices = [(o.pk, str(o)) for o in orgs if o.local]  # type: ignore[attr-defined]


def work_order_title(issue: Issue) -> str:
    """The title a dispatcher starts from: the issue's first words (they may edit it)."""
    words = " ".join(issue.description.split())
    return words if len(words) <= 60 else words[:59] + "…"


def community_organizations(issue: Issue) -> QuerySet[Organization]:
    """Who may co-operate on an issue: the community's committees and the firms and owners'
    committees of its compounds (every organization for an issue without a compound)."""
    orgs = Organization.objects.exclude(kind=Organization.Kind.DEVELOPER)
    if issue.compound is None:
        return orgs
    community = issue.compound.community_id
    compounds = Compound.objects.filter(community_id=community)
    return orgs.filter(
        Q(community_id=community)
        | Q(pk__in=compounds.values("property_provider"))
        | Q(pk__in=compounds.values("owners_committee"))
    )


class CloseForm(UserTextForm):
    reason = forms.ChoiceField(
        label=_("Closure reason"),
        choices=[c for c in Issue.ClosureReason.choices if c[0] != Issue.ClosureReason.DUPLICATE],
    )
    public_text = forms.CharField(
        label=_("Answer to the reporter (public)"), max_length=1000, widget=forms.Textarea
    )
    staff_note = forms.CharField(label=_("Staff-only note"), max_length=2000, required=False)


class DuplicateForm(UserTextForm):
    duplicate_of = forms.IntegerField(label=_("Same as issue number"), min_value=1)
    note = forms.CharField(label=_("Staff-only note"), max_length=2000, required=False)

    def __init__(self, *args: Any, issue: Issue, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.issue = issue

    def clean_duplicate_of(self) -> Issue:
        pk = self.cleaned_data["duplicate_of"]
        same_place = Issue.objects.filter(compound=self.issue.compound_id)  # None: placeless
        other = same_place.filter(pk=pk).first()
        if other is None or other.pk == self.issue.pk:
            # One answer for a missing id and one about another place: the triager may not
            # know that another compound's issue exists (issue 16, existence privacy).
            raise forms.ValidationError(_("Choose another existing issue about the same place."))
        return other


class SessionForm(UserTextForm):
    public_text = forms.CharField(label=_("Note to the reporter"), max_length=1000, required=False)


class SendBackForm(UserTextForm):
    reason = forms.CharField(label=_("Why it is not yours"), max_length=1000)


class WorkNoteForm(UserTextForm):
    text = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photos (up to 3, JPEG/PNG/WebP, 5 MB each)"))


class VerifyForm(UserTextForm):
    approved = forms.ChoiceField(
        label=_("Is the work done?"), choices=YES_NO, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("approved") == "no" and not data.get("note"):
            self.add_error("note", _("Say what is still missing."))
        return data


class ConfirmForm(UserTextForm):
    fixed = forms.ChoiceField(
        label=_("Was the problem solved?"), choices=YES_NO, widget=forms.RadioSelect
    )
    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=Issue.Rating.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ExtensionForm(UserTextForm):
    reason = forms.CharField(label=_("Why more time is needed"), max_length=1000)
    new_resolve_by = forms.DateTimeField(
        label=_("New resolve-by"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def clean_new_resolve_by(self) -> Any:
        value = self.cleaned_data["new_resolve_by"]
        if value <= timezone.now():
            raise forms.ValidationError(_("Choose a time in the future."))
        return value


class DecideExtensionForm(UserTextForm):
    approve = forms.ChoiceField(
        label=_("Approve the extension?"), choices=YES_NO, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class EscalationForm(UserTextForm):
    note = forms.CharField(label=_("Follow-up taken"), max_length=1000)
