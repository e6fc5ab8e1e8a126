"""The issues list's filters: search in the description, status, compound, category, the
responsible party, the reporting date, and "my reports" (FixMyStreet's "your reports")."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import Compound, Issue, IssueCategory, Organization
from deliberation.selectors.places import compounds_visible_to

from . import ListFilters, mine_filter
from .choices import SharedChoiceFilter


def compound_choices(request: HttpRequest | None) -> QuerySet[Compound]:
    """Only the compounds the user lives in or serves: a filter never offers more."""
    user = getattr(request, "user", None)
    return compounds_visible_to(user).order_by("name")


def responsible_parties(request: HttpRequest | None = None) -> QuerySet[Organization]:
    """Organizations that can be given work: everyone but the subdistrict's own offices."""
    return Organization.objects.exclude(
        kind__in=[Organization.Kind.SUBDISTRICT_OFFICE, Organization.Kind.SUPERVISION_GROUP]
    ).order_by("kind", "name")


def compound_filter(**kwargs: Any) -> SharedChoiceFilter:
    """A compound among the user's own (``compound_choices``): another one answers 400."""
    return SharedChoiceFilter(
        label=_("compound"), queryset=compound_choices, empty_label=_("all"), **kwargs
    )


def categories(request: HttpRequest | None = None) -> QuerySet[IssueCategory]:
    return IssueCategory.objects.order_by("ordering", "code")


def category_filter() -> SharedChoiceFilter:
    return SharedChoiceFilter(label=_("category"), queryset=categories, empty_label=_("all"))


def party_filter(**kwargs: Any) -> SharedChoiceFilter:
    return SharedChoiceFilter(
        label=_("responsible party"),
        queryset=responsible_parties,
        empty_label=_("all"),
        **{"field_name": "responsible", **kwargs},
    )


class IssueFilters(ListFilters):
    search_fields = ("description",)
    date_field = "created_at"

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"), choices=Issue.Status.choices, empty_label=_("all")
    )
    compound = compound_filter()
    category = category_filter()
    party = party_filter()
    mine = mine_filter(_("Only my reports"))

    class Meta:
        model = Issue
        fields: list[str] = []

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(reporter_id=self.user_id)
