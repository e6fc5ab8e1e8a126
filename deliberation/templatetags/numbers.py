"""``{{ value|quantity }}``: a figure (a count of heads) grouped by thousands in the reader's
language; ``{{ value|area }}``: square metres with two decimals, grouped the same way. Not
for ids, which must read and link the same everywhere."""

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


@register.filter
def area(value: int | float | Decimal | str | None) -> str:
    """An exclusive area as registered: always two decimals (2,450.95), never the database's
    full scale (2450.95000000000)."""
    if value is None or value == "":
        return ""
    try:
        return number_format(Decimal(str(value)), decimal_pos=2, use_l10n=True, force_grouping=True)
    except (TypeError, ValueError, ArithmeticError):
        return str(value)
