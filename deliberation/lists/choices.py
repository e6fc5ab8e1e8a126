"""Select options read once per request, however many lists on the page offer them.

The committee's inbox draws four sections, each with its compound, category and party
selects. Django's ``ModelChoiceField`` runs its queryset and builds a model instance per
option each time a select is drawn, so the inbox read and built the same options up to four
times: about a third of its CPU (docs/benchmarks.md, "pages: the server's own cost").
Here the rows are kept on the request, keyed by the query's SQL: two selects share them
only when they would have read the same rows. Without a request (a fragment pushed to
everyone) nothing is kept."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db.models import Model
from django.forms.models import ModelChoiceField, ModelChoiceIterator

REQUEST_ATTRIBUTE = "_yishi_choice_rows"


class SharedChoiceIterator(ModelChoiceIterator):
    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.rows():
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.rows()) + (self.field.empty_label is not None)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.rows())

    def rows(self) -> list[Model]:
        kept: dict[tuple[str, str], list[Model]] | None = getattr(self.field, "kept_rows", None)
        if kept is None:
            return list(self.queryset)
        try:
            key = (self.queryset.model._meta.label, str(self.queryset.query))
        except EmptyResultSet:  # ``.none()``: no SQL, and no rows to read either
            return []
        if key not in kept:
            kept[key] = list(self.queryset)
        return kept[key]


class SharedChoiceField(ModelChoiceField):
    iterator = SharedChoiceIterator
    kept_rows: dict[tuple[str, str], list[Model]] | None = None


class SharedChoiceFilter(django_filters.ModelChoiceFilter):
    """A ``ModelChoiceFilter`` whose options are read once per request."""

    field_class = SharedChoiceField

    @property
    def field(self) -> SharedChoiceField:
        field: SharedChoiceField = super().field
        request = self.get_request()
        if request is not None:
            field.kept_rows = request.__dict__.setdefault(REQUEST_ATTRIBUTE, {})
        return field
