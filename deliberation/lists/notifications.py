"""A person's notifications: what they are about (kind), unread only, the date, and a search
in what they name (a report's or a vote's title…, kept in their parameters)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from deliberation.models import Notification, NotificationKind

from . import ListFilters


class NotificationFilters(ListFilters):
    date_field = "created_at"

    kind = django_filters.ChoiceFilter(
        label=_("about"), choices=NotificationKind.choices, empty_label=_("all")
    )
    unread = django_filters.BooleanFilter(
        label=_("Only unread"), method="only_unread", widget=forms.CheckboxInput
    )

    class Meta:
        model = Notification
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        words = value.strip()
        if not words:
            return queryset
        # the names a notification carries live in its parameters (rendered per language);
        # a number ("#12") is the report, order or vote it is about
        number = words.lstrip("#")
        if number.isdigit() and len(number) < 10:
            return queryset.filter(target_pk=int(number))
        return queryset.filter(params__icontains=words)

    def only_unread(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset.filter(read_at__isnull=True) if value else queryset
