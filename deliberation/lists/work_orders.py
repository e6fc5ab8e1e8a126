"""The work orders list (every order the user may open, not only the open ones of the
inbox): search in the title, status, compound, category, the responsible party, the date
it was dispatched, and "mine" (my organizations must do it)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import IssueCategory, WorkOrder
from deliberation.policy import load_principal

from . import ListFilters, mine_filter
from .issues import compound_choices, responsible_parties


class WorkOrderFilters(ListFilters):
    search_fields = ("title",)
    date_field = "created_at"

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"),
        choices=WorkOrder.Status.choices,
        empty_label=_("all"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue"), method="only_overdue", widget=forms.CheckboxInput
    )
    compound = django_filters.ModelChoiceFilter(
        label=_("compound"), queryset=compound_choices, empty_label=_("all")
    )
    category = django_filters.ModelChoiceFilter(
        label=_("category"),
        queryset=IssueCategory.objects.order_by("ordering", "code"),
        empty_label=_("all"),
    )
    party = django_filters.ModelChoiceFilter(
        label=_("responsible party"),
        field_name="responsible",
        queryset=responsible_parties(),
        empty_label=_("all"),
    )
    mine = mine_filter(_("Only my organizations' orders"))

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def only_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(is_overdue=True) if value else queryset

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        orgs = list(load_principal(getattr(self.request, "user", None)).org_kinds)
        return queryset.filter(responsible_id__in=orgs)
