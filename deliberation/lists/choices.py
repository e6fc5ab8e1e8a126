"""Select options read once per request, however many lists on the page offer them.

The committee's inbox draws four sections, each with its compound, category and party
selects. Django's ``ModelChoiceField`` runs its queryset and builds a model instance per
option each time a select is drawn, so the inbox read and built the same options up to four
times: about a third of its CPU (docs/benchmarks.md, "pages: the server's own cost").
Here the rows are kept on the request, keyed by the function that names the options (a
filter's ``queryset`` is always a function of the request here): two selects share them
only when the same function answered for the same request, so they read the same rows.
Keying by the query's SQL did the same, but computing the SQL of every select cost ~8 % of
the committee's inbox. Without a request (a fragment pushed to everyone) nothing is kept."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import django_filters
from django.db.models import Model, QuerySet
from django.forms.models import ModelChoiceField, ModelChoiceIterator
from django.http import HttpRequest

#: What a shared select offers, given the request (None for a fragment pushed to everyone).
Options = Callable[[HttpRequest | None], QuerySet[Any]]

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
        kept: dict[Options, list[Model]] | None = getattr(self.field, "kept_rows", None)
        options: Options | None = getattr(self.field, "options", None)
        if kept is None or options is None:
            return list(self.queryset)
        if options not in kept:
            kept[options] = list(self.queryset)
        return kept[options]


class SharedChoiceField(ModelChoiceField):
    iterator = SharedChoiceIterator
    kept_rows: dict[Options, list[Model]] | None = None
    options: Options | None = None


class SharedChoiceFilter(django_filters.ModelChoiceFilter):
    """A ``ModelChoiceFilter`` whose options are read once per request. Its ``queryset``
    must be a function of the request (``Options``): the function is the rows' key."""

    field_class = SharedChoiceField

    def __init__(self, *args: Any, queryset: Options, **kwargs: Any) -> None:
        if not callable(queryset):
            raise TypeError("a shared select's queryset is a function of the request")
        super().__init__(*args, queryset=queryset, **kwargs)

    @property
    def field(self) -> SharedChoiceField:
        field: SharedChoiceField = super().field
        request = self.get_request()
        if request is not None:
            field.kept_rows = request.__dict__.setdefault(REQUEST_ATTRIBUTE, {})
            field.options = self.queryset
        return field
