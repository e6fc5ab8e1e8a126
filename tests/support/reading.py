"""What a reader of a page sees, for tests that assert something is *not* shown: a number
inside a tag's attributes (a ``<time datetime>`` with microseconds, a token in a link) is not
shown, and a number inside a longer one is another number."""

from __future__ import annotations

import re


def shown_text(html: str) -> str:
    """The page's text without its tags and their attributes."""
    return re.sub(r"<[^>]*>", " ", html)


def shows_number(html: str, number: str) -> bool:
    """Whether the reader sees ``number`` on its own (not as part of a longer number)."""
    return re.search(rf"(?<!\d){re.escape(number)}(?!\d)", shown_text(html)) is not None
