"""Select options read once per request (``deliberation/lists/choices.py``): two selects
share their rows only when the same function named them for the same request."""

from __future__ import annotations

import django_filters
import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from deliberation.lists.choices import SharedChoiceFilter
from deliberation.models import Compound


def named_a_to_z(request: object = None):  # type: ignore[no-untyped-def]
    return Compound.objects.order_by("name")


def named_z_to_a(request: object = None):  # type: ignore[no-untyped-def]
    return Compound.objects.order_by("-name")


class TwoSelects(django_filters.FilterSet):
    first = SharedChoiceFilter(queryset=named_a_to_z, field_name="pk")
    again = SharedChoiceFilter(queryset=named_a_to_z, field_name="pk")
    reversed = SharedChoiceFilter(queryset=named_z_to_a, field_name="pk")

    class Meta:
        model = Compound
        fields: list[str] = []


def _options(form: object, name: str) -> list[str]:
    return [str(label) for _value, label in form[name].field.choices]  # type: ignore[index]


def test_a_shared_select_needs_a_function_of_the_request() -> None:
    with pytest.raises(TypeError):
        SharedChoiceFilter(queryset=Compound.objects.all())


def test_selects_share_rows_only_when_the_same_function_names_them(demo) -> None:
    names = list(Compound.objects.order_by("name").values_list("name", flat=True))
    assert len(names) > 1
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as queries:
        form = TwoSelects(request=request, queryset=Compound.objects.all()).form
        first, again, backwards = (_options(form, n) for n in ("first", "again", "reversed"))
    assert first == again == ["---------", *names]
    assert backwards == ["---------", *reversed(names)]
    assert len(queries) == 2  # one read per function, not one per select


def test_without_a_request_each_select_reads_its_own(demo) -> None:
    """A fragment pushed to everyone has no request: nothing is kept between renders."""
    with CaptureQueriesContext(connection) as queries:
        form = TwoSelects(queryset=Compound.objects.all()).form
        for name in ("first", "again"):
            _options(form, name)
    assert len(queries) == 2
