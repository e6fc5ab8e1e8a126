"""What free text a user may store: one length limit per field and no control characters.

The services that take text straight from a post (sessions, convening, minutes, owners'
votes) check it with :func:`clean_field`, so the rule holds whichever door the text came in
by (an htmx action, a workflow step, a script); the forms (issues, work orders,
announcements) inherit :class:`UserTextForm`. Why:

* PostgreSQL refuses NUL in text (a 500 if it gets that far); other C0 controls and DEL are
  never typed by a person, break ``.ics`` lines and confuse terminals and exports.
* A column's ``max_length`` is enforced by PostgreSQL only for ``varchar`` (a 500 when
  exceeded); ``TextField.max_length`` is enforced by nobody. Without a limit a 1 MB agenda
  title is stored and pushed to every socket.

The limits of the ``TextField`` columns that declare none in the model are documented here.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: ``AgendaItem.description``: a topic's description, as long as an issue's description.
AGENDA_DESCRIPTION_MAX = 4000
#: ``Session.online_link``: ``URLField``'s default column width.
ONLINE_LINK_MAX = 200

# C0 controls and DEL; tab, LF and CR are allowed where text has several lines.
_CONTROL_ONE_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(
    value: Any,
    *,
    label: str | Promise,
    limit: int,
    multiline: bool = False,
    required: bool = False,
) -> str:
    """The text stripped, or a ``ValidationError`` naming the field (nothing is stored)."""
    raw = value if isinstance(value, str) else ""
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_ONE_LINE
    text = raw.strip()
    if pattern.search(raw):  # before stripping: str.strip() also eats \x1c–\x1f
        raise ValidationError(
            _("%(field)s contains characters that are not allowed (control characters).")
            % {"field": label}
        )
    if len(text) > limit:
        raise ValidationError(
            _("%(field)s is too long (at most %(limit)d characters).")
            % {"field": label, "limit": limit}
        )
    if required and not text:
        raise ValidationError(_("%(field)s is required.") % {"field": label})
    return text


def clean_field(
    model: type[models.Model],
    name: str,
    value: Any,
    *,
    limit: int | None = None,
    required: bool = False,
) -> str:
    """:func:`clean_text` for ``model.name``: its label, its ``max_length`` (or the limit
    documented above), and line breaks only where the column is a ``TextField``."""
    field = model._meta.get_field(name)
    limit = limit or getattr(field, "max_length", None)
    assert limit, f"{model.__name__}.{name} needs a documented limit"
    return clean_text(
        value,
        label=capfirst(field.verbose_name),  # type: ignore[union-attr]
        limit=limit,
        multiline=isinstance(field, models.TextField),
        required=required,
    )


def clean_link(value: Any, *, label: str | Promise) -> str:
    """An http(s) address or nothing: a ``javascript:`` link would run when clicked, and
    CR/LF would break every calendar file that carries it."""
    link = clean_text(value, label=label, limit=ONLINE_LINK_MAX)
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ValidationError(
                _("%(field)s must be a web address starting with http:// or https://.")
                % {"field": label}
            ) from None
    return link


def is_web_link(value: str) -> bool:
    """Whether a stored link may be offered as a link (older rows were not checked)."""
    try:
        return clean_link(value, label="") != ""
    except ValidationError:
        return False


def without_controls(text: str) -> str:
    """Text written before these checks, made safe for a one-line output format."""
    return _CONTROL_ONE_LINE.sub(" ", text)


def _refuse_controls(multiline: bool) -> Any:
    pattern = _CONTROL_MULTI_LINE if multiline else _CONTROL_ONE_LINE

    def validate(value: str) -> None:
        if isinstance(value, str) and pattern.search(value):
            raise ValidationError(
                gettext_lazy("Control characters are not allowed."), code="control"
            )

    return validate


def _guard(fields: dict[str, forms.Field]) -> None:
    for field in fields.values():
        if isinstance(field, forms.CharField):
            field.validators.append(_refuse_controls(isinstance(field.widget, forms.Textarea)))


class UserTextForm(forms.Form):
    """A form whose every text field refuses control characters (line breaks only in
    textareas); each field's ``max_length`` gives its limit."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _guard(self.fields)


class UserTextModelForm(forms.ModelForm):
    """:class:`UserTextForm` for model forms (the model's ``max_length`` carries over)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _guard(self.fields)
