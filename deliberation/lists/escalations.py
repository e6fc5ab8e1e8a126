"""The supervision group's history of escalations (督办记录): search in the order's title
and the follow-up, status, reason, compound, the responsible party, the date it was
opened, and "mine" (followed up by me). Its page is for those who may see every
escalation (``escalation.list``), so the compound choice is every compound."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import Compound, Escalation

from . import ListFilters, mine_filter
from .choices import SharedChoiceFilter
from .issues import responsible_parties


def every_compound(request: HttpRequest | None = None) -> QuerySet[Compound]:
    return Compound.objects.order_by("name")


class EscalationFilters(ListFilters):
    search_fields = ("work_order__title", "handled_note")
    date_field = "created_at"

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"),
        choices=Escalation.Status.choices,
        empty_label=_("all"),
    )
    reason = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "reason"),
        choices=Escalation.Reason.choices,
        empty_label=_("all"),
    )
    compound = SharedChoiceFilter(
        label=_("compound"),
        field_name="work_order__compound",
        queryset=every_compound,
        empty_label=_("all"),
    )
    party = SharedChoiceFilter(
        label=_("responsible party"),
        field_name="work_order__responsible",
        queryset=responsible_parties,
        empty_label=_("all"),
    )
    mine = mine_filter(_("Only those I followed up"))

    class Meta:
        model = Escalation
        fields: list[str] = []

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(handled_by_id=self.user_id)
