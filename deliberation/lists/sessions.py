"""The sessions list's filters: search in the title and place, status, a compound
concerned, an invited party, the date it starts, and "mine" (convened, chaired, or a
delegate of an invited party)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import Invitation, Session

from . import ListFilters, mine_filter
from .choices import SharedChoiceFilter
from .issues import compound_choices, responsible_parties


class SessionFilters(ListFilters):
    search_fields = ("title", "place")
    date_field = "starts_at"

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"),
        choices=Session.Status.choices,
        empty_label=_("all"),
    )
    compound = SharedChoiceFilter(
        label=_("compound"), queryset=compound_choices, method="concerning", empty_label=_("all")
    )
    party = SharedChoiceFilter(
        label=_("invited party"),
        queryset=responsible_parties,
        method="inviting",
        empty_label=_("all"),
    )
    mine = mine_filter(_("Only sessions I take part in"))

    class Meta:
        model = Session
        fields: list[str] = []

    # Subqueries, not joins: a session is listed once whatever it matches.
    def concerning(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        concerned = Session.compounds.through.objects.filter(
            session_id=OuterRef("pk"), compound_id=value.pk
        )
        return queryset.filter(Exists(concerned))

    def inviting(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        invited = Invitation.objects.filter(session_id=OuterRef("pk"), organization_id=value.pk)
        return queryset.filter(Exists(invited))

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        me = self.user_id
        delegate = Invitation.objects.filter(session_id=OuterRef("pk"), delegates=me)
        return queryset.filter(Q(convener_id=me) | Q(chair_id=me) | Exists(delegate))
