"""A compound's notices, all of them (the board on its page shows the newest): search in
the title and text, the organization that posted, the date, and "mine" (posted by me)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from deliberation.models import Announcement, Organization

from . import ListFilters, mine_filter
from .choices import SharedChoiceFilter


def every_organization(request: HttpRequest | None = None) -> QuerySet[Organization]:
    return Organization.objects.order_by("kind", "name")


class NoticeFilters(ListFilters):
    search_fields = ("title", "body")
    date_field = "created_at"

    party = SharedChoiceFilter(
        label=_("posted by"),
        field_name="organization",
        queryset=every_organization,
        empty_label=_("all"),
    )
    mine = mine_filter(_("Only notices I posted"))

    class Meta:
        model = Announcement
        fields: list[str] = []

    def filter_mine(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(author_id=self.user_id)
