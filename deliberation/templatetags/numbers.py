"""``{{ value|quantity }}``: a figure (an area, a count of heads) grouped by thousands in the
reader's language. Not for ids, which must read and link the same everywhere."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def quantity(value: int | float | Decimal | str | None) -> str:
    if value is None or value == "":
        return ""
    try:
        return number_format(value, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return str(value)
