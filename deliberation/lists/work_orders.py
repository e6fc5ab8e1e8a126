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

from deliberation.models import WorkOrder
from deliberation.policy import load_principal

from . import ListFilters, mine_filter
from .issues import category_filter, compound_filter, party_filter


def status_filter(statuses: list[str]) -> django_filters.ChoiceFilter:
    return django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"),
        choices=[(value, label) for value, label in WorkOrder.Status.choices if value in statuses],
        empty_label=_("all"),
    )


class OrderFilters(ListFilters):
    """What every list of orders offers: search in the title, status, only overdue, compound,
    category, the date it was dispatched."""

    search_fields = ("title",)
    date_field = "created_at"

    status = status_filter(list(WorkOrder.Status.values))
    overdue = django_filters.BooleanFilter(
        label=_("Only overdue"), method="only_overdue", widget=forms.CheckboxInput
    )
    compound = compound_filter()
    category = category_filter()

    class Meta:
        model = WorkOrder
        fields: list[str] = []

    def only_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(is_overdue=True) if value else queryset


class WorkOrderFilters(OrderFilters):
    party = party_filter()
    mine = mine_filter(_("Only my organizations' orders"))

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        orgs = list(load_principal(getattr(self.request, "user", None)).org_kinds)
        return queryset.filter(responsible_id__in=orgs)
