"""Choice labels looked up, not rebuilt: Django's ``get_<field>_display`` builds a dict of
the field's choices on every call, hashing each lazy label (one translation per label).
List rows and pushed fragments call it hundreds of times per page or transition; here the
dict of each field is built once per language."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable

#: (field, language) -> {value: label}
_labels: dict[tuple[models.Field[Any, Any], str | None], dict[Any, str]] = {}


def choice_label(field: models.Field[Any, Any], value: Any) -> Any:
    """``value``'s label in the active language, as Django's ``get_FOO_display`` gives it
    (the value itself when it is not a choice)."""
    if not isinstance(field.choices, list | tuple):  # callable choices: may change
        return force_str(dict(make_hashable(field.flatchoices)).get(make_hashable(value), value))
    key = (field, translation.get_language())
    labels = _labels.get(key)
    if labels is None:
        labels = {make_hashable(v): force_str(label) for v, label in field.flatchoices}
        _labels[key] = labels
    return labels.get(make_hashable(value), value)


class ChoiceLabels(models.Model):
    """Mixed into models whose labels rows show: ``get_<field>_display`` from the cache."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field: models.Field[Any, Any]) -> Any:  # noqa: N802
        return choice_label(field, getattr(self, field.attname))
