"""The proposal of an owners' meeting: any number of matters (up to ``MAX_MATTERS``), each
typed by Civil Code art. 278, with its full text, its documents and what happens when it
passes — the new firm chosen from the firms, the party who carries out a work order, or
the adopted text of the meeting rules or covenant.

The form refuses a follow-up that could not be carried out (the services check again):
a passed matter is never skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deliberation.law.owners_votes import MatterKind
from deliberation.matter_documents import MAX_DOCUMENTS_PER_MATTER, check_documents
from deliberation.models import Compound, EvaluationCycle, EvaluationResult, Matter, Organization
from deliberation.services.votes import MatterSpec
from deliberation.services.votes.proposal import MAX_MATTERS, effect_problem
from deliberation.user_text import UserTextForm

#: Rows open when the form is first shown (more are added on the page, up to MAX_MATTERS).
OPEN_ROWS = 3
FIELDS = ("title", "kind", "text", "effect", "firm", "responsible", "documents")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"})
        )
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _kind_choices() -> list[tuple[str, str]]:
    field = Matter._meta.get_field("kind")
    return [("", "—"), *((str(k), str(v)) for k, v in field.choices or [])]  # type: ignore[misc]


def _provider_rows(compound: Compound) -> list[tuple[int, str, str, bool, str | None]]:
    """Every property firm and property-rights unit with its alliance membership and latest
    published evaluation grade: one query per request (kept on the loaded compound, which
    the proposal and the petition forms share)."""
    cached = compound.__dict__.get("_provider_rows")
    if cached is not None:
        return list(cached)
    published = (EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED)
    grade = (
        EvaluationResult.objects.filter(
            organization=OuterRef("pk"), compound__isnull=True, cycle__status__in=published
        )
        .exclude(grade="")
        .order_by("-cycle__year", "-cycle__half")
        .values("grade")[:1]
    )
    rows = list(
        Organization.objects.filter(
            kind__in=[Organization.Kind.PROPERTY_FIRM, Organization.Kind.PROPERTY_RIGHTS_UNIT]
        )
        .annotate(grade=Subquery(grade))
        .order_by("-in_service_alliance", "name")
        .values_list("pk", "name", "kind", "in_service_alliance", "grade")
    )
    compound.__dict__["_provider_rows"] = rows
    return list(rows)


def firm_choices(compound: Compound, *, providers: bool = False) -> list[tuple[str, str]]:
    """The property firms (with ``providers``, property-rights units too), each marked as a
    member of the service alliance and with its latest published evaluation grade."""
    choices = [("", "—")]
    for pk, name, kind, alliance, last_grade in _provider_rows(compound):
        if kind != Organization.Kind.PROPERTY_FIRM and not providers:
            continue
        marks = []
        if alliance:
            marks.append(gettext("service alliance member"))
        if last_grade:
            marks.append(gettext("latest grade %(grade)s") % {"grade": last_grade})
        choices.append((str(pk), f"{name}（{'，'.join(marks)}）" if marks else name))
    return choices


@dataclass
class MatterRow:
    """One matter's bound fields, for the template."""

    number: int | str
    #: The empty row the page's script copies (numbered ``ProposalForm.ROW_NUMBER``).
    template: bool
    title: Any
    kind: Any
    text: Any
    effect: Any
    firm: Any
    responsible: Any
    documents: Any


class ProposalForm(UserTextForm):
    """A meeting's title and its matters, each typed by Civil Code art. 278."""

    title = forms.CharField(label=_("title"), max_length=200)
    max_matters = MAX_MATTERS
    #: Stands for the template row's number (the page's script puts the real one in).
    ROW_NUMBER = "__N__"

    def __init__(self, *args: Any, compound: Compound, **kwargs: Any) -> None:
        self.compound = compound
        self._choices = firm_choices(compound), firm_choices(compound, providers=True)
        self.base_fields = dict(type(self).base_fields)  # type: ignore[misc]  # per instance
        for i in range(1, MAX_MATTERS + 1):
            self.base_fields.update(self._row_fields(i, *self._choices))
        super().__init__(*args, **kwargs)

    def _row_fields(
        self, i: int | str, firms: list[tuple[str, str]], providers: list[tuple[str, str]]
    ) -> dict[str, forms.Field]:
        no_provider = self.compound.property_provider_id is None
        return {
            f"matter_title_{i}": forms.CharField(label=_("matter"), max_length=200, required=False),
            f"matter_kind_{i}": forms.ChoiceField(
                label=_("kind (Civil Code art. 278)"), choices=_kind_choices, required=False
            ),
            f"matter_text_{i}": forms.CharField(
                label=_("full text"),
                max_length=4000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 3}),
                help_text=_("What the owners decide, in full (the notice gives the content)."),
            ),
            f"matter_effect_{i}": forms.ChoiceField(
                label=_("when passed"),
                choices=Matter.Effect.choices,
                initial=Matter.Effect.NONE,
                required=False,
            ),
            f"matter_firm_{i}": forms.ChoiceField(
                label=_("new property firm"),
                choices=firms,
                required=False,
                help_text=_("For “record the new property firm”."),
            ),
            f"matter_responsible_{i}": forms.ChoiceField(
                label=_("carried out by"),
                choices=providers,
                required=False,
                help_text=_("For a work order: required, this compound has no provider.")
                if no_provider
                else _("For a work order: default, the compound's property service provider."),
            ),
            f"matter_documents_{i}": DocumentsField(
                label=_("documents"),
                required=False,
                help_text=_("Up to %(n)d files: PDF, Word, Excel, JPEG or PNG, 10 MB each.")
                % {"n": MAX_DOCUMENTS_PER_MATTER},
            ),
        }

    def _filled(self, i: int) -> bool:
        if not self.is_bound:
            return False
        return bool((self.data.get(self.add_prefix(f"matter_title_{i}")) or "").strip())

    def rows(self) -> list[MatterRow]:
        """The rows drawn — the first ``OPEN_ROWS`` and up to the last filled one — then one
        empty template row: "add a matter" makes each further row from it on the page
        (drawing all twenty, four selects each, cost most of a resident's compound page)."""
        last = max([i for i in range(1, MAX_MATTERS + 1) if self._filled(i)], default=0)
        drawn = [
            MatterRow(i, False, *(self[f"matter_{name}_{i}"] for name in FIELDS))
            for i in range(1, max(OPEN_ROWS, last) + 1)
        ]
        n = self.ROW_NUMBER
        fields = self._row_fields(n, *self._choices)
        bound = (forms.BoundField(self, f, name) for name, f in fields.items())
        return [*drawn, MatterRow(n, True, *bound)]

    def _org(self, i: int, name: str) -> Organization | None:
        pk = self.cleaned_data.get(f"matter_{name}_{i}") or ""
        return Organization.objects.filter(pk=int(pk)).first() if pk else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        specs: list[dict[str, Any]] = []
        for i in range(1, MAX_MATTERS + 1):
            title = (data.get(f"matter_title_{i}") or "").strip()
            if not title:
                continue
            kind = data.get(f"matter_kind_{i}") or ""
            if kind not in MatterKind.__members__.values():
                self.add_error(
                    f"matter_kind_{i}", _("Choose the kind of every matter (Civil Code art. 278).")
                )
                continue
            effect = data.get(f"matter_effect_{i}") or Matter.Effect.NONE
            org_field = "firm" if effect == Matter.Effect.PROPERTY_FIRM else "responsible"
            spec = MatterSpec(
                kind=kind,
                title=title,
                description=(data.get(f"matter_text_{i}") or "").strip(),
                effect=effect,
                effect_organization=self._org(i, org_field),
            )
            problem = effect_problem(self.compound, spec)
            if problem:
                field = {"property_firm": "firm", "work_order": "responsible"}.get(effect, "text")
                self.add_error(f"matter_{field}_{i}", problem)
                continue
            try:
                documents = check_documents(data.get(f"matter_documents_{i}") or [])
            except ValidationError as e:
                self.add_error(f"matter_documents_{i}", e)
                continue
            specs.append({**spec.__dict__, "documents": tuple(documents)})
        if not specs and not self.errors:
            self.add_error("matter_title_1", _("Put at least one matter on the agenda."))
        data["matters"] = specs
        return data
