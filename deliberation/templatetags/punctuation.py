"""Punctuation that follows the reader's language: a Chinese label reads "状态：", not
"状态: ", and a note in brackets takes full-width brackets. Loaded as a template builtin
(project/settings.py), so every template may write ``{% colon %}`` and ``|bracketed``."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

register = template.Library()


@register.simple_tag
def colon() -> str:
    """What separates a label from its value."""
    return pgettext("punctuation", ": ")


@register.filter
def bracketed(value: Any) -> SafeString:
    """``value`` in brackets; the value is escaped, the brackets come from the catalog."""
    return mark_safe(  # noqa: S308 - only the catalog's brackets are unescaped
        pgettext("punctuation", " (%(text)s)") % {"text": conditional_escape(value)}
    )


@register.simple_tag
def list_separator() -> str:
    """Between the items of a list: "、" in Chinese, ", " in English."""
    return pgettext("punctuation", ", ")


@register.filter
def as_list(values: Any) -> str:
    """``values`` joined with the reader's list separator (autoescaped as any text)."""
    return list_separator().join(str(v) for v in values)
