"""Sentences stored as a message id with parameters, translated when they are read.

A timeline step is written once, in whatever language its writer uses, and read by
residents and parties in Chinese or English. Storing the rendered sentence froze it in one
language ("reported · 已通过网上反映受理" on an English page); the row keeps the English msgid
and its parameters instead, and each reader's language translates them. Parameters are
plain text (names, numbers, what a person typed, never translated), a choice (its label
translated when read), a time (formatted when read, in the site's time zone), another
message, or a list of messages (joined with the language's separator).

Call sites mark the msgid with ``gettext_noop`` so that ``makemessages`` still finds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext


@dataclass(frozen=True)
class Message:
    """A msgid and its parameters; ``str()`` renders it in the active language."""

    msgid: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"msgid": self.msgid, "params": {k: _dump(v) for k, v in self.params.items()}}

    def __str__(self) -> str:
        return render_message(self.as_json())

    def in_language(self, code: str) -> str:
        with translation.override(code):
            return str(self)


@dataclass(frozen=True)
class Joined:
    """Several messages read as one list ("a：support；b：oppose")."""

    parts: Sequence[Message]


def message(msgid: str, **params: Any) -> Message:
    return Message(msgid, params)


def _choice_key(member: models.Choices) -> str:
    cls = type(member)
    return f"{cls.__module__}.{cls.__qualname__}"


@cache
def _choice_classes() -> dict[str, type[models.Choices]]:
    """The choices a stored message may name; anything else stays its raw value."""
    from deliberation.models import Escalation, Issue, Party, Position

    classes: list[type[models.Choices]] = [
        Issue.Channel,
        Issue.Rating,
        Issue.Status,
        Party,
        Position.Stance,
        Escalation.Reason,
    ]
    return {f"{c.__module__}.{c.__qualname__}": c for c in classes}


def _dump(value: Any) -> Any:
    if isinstance(value, Message):
        return value.as_json()
    if isinstance(value, Joined):
        return {"join": [m.as_json() for m in value.parts]}
    if isinstance(value, models.Choices):
        return {"choice": _choice_key(value), "value": value.value}
    if isinstance(value, datetime):
        return {"time": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, int | float):
        return value
    return str(value)


def _load(value: Any) -> str:
    if not isinstance(value, dict):
        return str(value)
    if "msgid" in value:
        return render_message(value)
    if "join" in value:
        separator = pgettext("list separator", "; ")
        return separator.join(render_message(m) for m in value["join"])
    if "choice" in value:
        cls = _choice_classes().get(value["choice"])
        labels = dict(cls.choices) if cls else {}
        return str(labels.get(value["value"], value["value"]))
    if "time" in value:
        moment = timezone.localtime(datetime.fromisoformat(value["time"]))
        return moment.strftime("%Y-%m-%d %H:%M")
    if "date" in value:
        return date.fromisoformat(value["date"]).strftime("%Y-%m-%d")
    return ""


class _Params(dict[str, str]):
    """A parameter the row lacks reads as a dash, not as "%(name)s" or a 500."""

    def __missing__(self, key: str) -> str:
        return "—"


def render_message(stored: Mapping[str, Any]) -> str:
    """Translate a stored message in the active language; a damaged row still reads."""
    text = gettext(stored.get("msgid", ""))
    if "%(" not in text:
        return text
    params = _Params({k: _load(v) for k, v in (stored.get("params") or {}).items()})
    try:
        return text % params
    except (TypeError, ValueError):
        return text
