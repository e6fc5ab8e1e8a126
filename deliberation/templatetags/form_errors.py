"""The error summary every form shows at its top (GOV.UK "error summary" pattern).

One tag, used by every form template, so each form lists its errors the same way: a box
with ``role="alert"`` and a link to each invalid field (static/js/forms.js moves the focus
to it when the page or the htmx fragment arrives).
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


def _anchor(bound: forms.BoundField) -> str:
    """The id the link jumps to: the input itself (the first one of a radio group)."""
    if bound.id_for_label:
        return bound.id_for_label
    auto_id = bound.auto_id or ""
    # A radio or checkbox group has no single label target: its first option.
    return bound.field.widget.id_for_label(auto_id, "0") if auto_id else ""


def _line(label: object, message: str) -> str:
    """ "Field: message", in the language's punctuation (a label may end in a question mark)."""
    return _("%(field)s: %(message)s") % {
        "field": str(label).rstrip("?？:： "),
        "message": message,
    }


@register.inclusion_tag("forms/_error_summary.html")
def error_summary(*forms_shown: forms.BaseForm | None) -> dict[str, Any]:
    """Each invalid field's label and message, and the form-wide errors, of the given forms."""
    items: list[dict[str, str]] = []
    files_lost = False
    for form in forms_shown:
        if not isinstance(form, forms.BaseForm) or not form.is_bound or not form.errors:
            continue
        items += [{"message": str(m), "anchor": ""} for m in form.non_field_errors()]
        for bound in form:
            anchor = "" if bound.is_hidden else _anchor(bound)  # a hidden input takes no focus
            items += [
                {"message": _line(bound.label, str(m)), "anchor": anchor} for m in bound.errors
            ]
        # A browser never refills a file input: say so rather than let photos vanish.
        has_file_field = any(isinstance(f, forms.FileField) for f in form.fields.values())
        files_lost = files_lost or (has_file_field and bool(form.files))
    return {"items": items, "files_lost": files_lost}


@register.simple_tag
def character_limit(bound: forms.BoundField) -> int | None:
    """A textarea's limit (its field's ``max_length``), shown as a hint and counted down."""
    if isinstance(bound.field.widget, forms.Textarea):
        return getattr(bound.field, "max_length", None)
    return None
