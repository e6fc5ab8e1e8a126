"""Ids that come from users (URLs, query strings, forms, topics, the API): one strict parser.

``str.isdigit()`` accepts ``'²'`` (which ``int()`` then refuses: a 500) and ``int()`` accepts
``'٣'``, ``'１２'``, ``' 7 '``, ``'+7'`` and ``'1_0'``; PostgreSQL refuses numbers beyond a
bigint. An id is therefore only ASCII digits without a leading zero, at most 18 of them
(every such number fits a bigint), so one id has one spelling.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

ID_PATTERN = r"[1-9][0-9]{0,17}"
_ID_RE = re.compile(ID_PATTERN)


def parse_id(text: object) -> int | None:
    """``"42"`` → 42; anything else (``"042"``, ``"²"``, ``"٣"``, ``" 4"``, ``"0"``, a
    19-digit number, ``None``) → None."""
    if not isinstance(text, str) or not _ID_RE.fullmatch(text):
        return None
    return int(text)


def parse_count(text: object, *, below: int) -> int | None:
    """A positive whole number under ``below`` typed by a user (minutes, seconds), spelt
    like an id; anything else → None."""
    number = parse_id(text)
    return number if number is not None and number < below else None


def parse_ids(values: Iterable[object]) -> list[int] | None:
    """Every value an id (order kept), or None when any one is not."""
    ids = [parse_id(v) for v in values]
    if any(i is None for i in ids):
        return None
    return [i for i in ids if i is not None]


def only_ids(values: Iterable[object]) -> list[int]:
    """The values that are ids (order kept), for checkbox lists where a stray value is
    simply not a choice."""
    return [i for i in (parse_id(v) for v in values) if i is not None]
