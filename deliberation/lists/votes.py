"""A compound's owners' votes: search in the title, status, who proposed it, and the date
it was created. The page is already one compound's, so there is no compound filter."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from deliberation.models import OwnersVote

from . import ListFilters


class VoteFilters(ListFilters):
    search_fields = ("title",)
    date_field = "created_at"

    status = django_filters.ChoiceFilter(
        label=pgettext_lazy("intake", "status"),
        choices=OwnersVote.Status.choices,
        empty_label=_("all"),
    )
    origin = django_filters.ChoiceFilter(
        label=_("proposed by"), choices=OwnersVote.Origin.choices, empty_label=_("all")
    )

    class Meta:
        model = OwnersVote
        fields: list[str] = []
