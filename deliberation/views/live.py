"""What a page needs to open its live connection."""

from __future__ import annotations

from collections.abc import Iterable

from deliberation.live.outbox import last_event_id


def live_context(topics: Iterable[str], *, last: int | None = None) -> dict[str, object]:
    """Context for base.html: the topics to join and the cursor the page was rendered at
    (``last`` when the page already read it with its own rows, saving a query)."""
    cursor = last_event_id() if last is None else last
    return {"live_topics": ",".join(sorted(set(topics))), "live_last": cursor}
