"""Array subqueries that work on both databases Yishi runs on.

PostgreSQL (production, tests) gets ``ArraySubquery``; SQLite (the embedded ``make run``)
gets the same list through ``json_group_array``, decoded by a JSONField. Pages use these to
bring small one-to-many facts on the rows they already load, within their query budget.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import JSONField, QuerySet, Subquery


class _JSONGroupArray(Subquery):
    """``json((SELECT json_group_array(col) FROM (<subquery>)))`` for SQLite.

    ``json()`` keeps the JSON subtype, so a nested array embeds as an array (not a string)
    inside an enclosing ``json_object``; items that are JSON objects are wrapped the same way."""

    def __init__(self, queryset: QuerySet[Any], *, json_items: bool) -> None:
        query = queryset.query
        column = (list(query.values_select) + list(query.annotation_select))[0]
        quoted = connection.ops.quote_name(column)  # a values() name from our code, not input
        item = f"json({quoted})" if json_items else quoted
        self.template = f"json((SELECT json_group_array({item}) FROM (%(subquery)s)))"  # noqa: S608
        super().__init__(queryset, output_field=JSONField())


def array_subquery(queryset: QuerySet[Any], *, json_items: bool = False) -> Any:
    """A list-valued annotation from a one-column ``values()`` queryset."""
    if connection.vendor == "postgresql":
        return ArraySubquery(queryset)
    return _JSONGroupArray(queryset, json_items=json_items)
