"""Record live events in the writer's transaction; publish them after it commits.

A fragment is rendered once per audience (a topic) and language, here, inside the
transaction that made the change, so the consumer only forwards text. After the commit the
events go to the process's kept publisher (``publisher.py``: what a transaction queued
leaves together, over one kept connection). If publishing fails
(Redis away), the event stays unpublished and ``publish_pending`` sends it later; clients
that were disconnected replay from the table by id in any case (``events_after``, which
also finds events that committed after a later-numbered one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from deliberation.models import Event

from . import publisher
from .blocking import call_blocking
from .topics import group_name

log = logging.getLogger("yishi.live")

#: Message type the consumer handles (``live_event``).
MESSAGE_TYPE = "live.event"

#: Rows deleted per statement when pruning: short transactions, no long lock on the table.
PRUNE_BATCH = 5000


def render_fragment(template: str, context: Mapping[str, Any]) -> dict[str, str]:
    """Render ``template`` as an out-of-band fragment once per language."""
    html: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            html[code] = render_to_string(template, {**context, "oob": True})
    return html


class _Publish:
    """The after-commit callback of events recorded together; it also marks them as still
    wanted: a savepoint rolled back takes its callbacks off the connection's list, so an
    event whose callback is gone from it was undone before it was inserted."""

    def __init__(self, events: list[Event]) -> None:
        self.events = events

    def __call__(self) -> None:
        inserted = [e for e in self.events if e.pk is not None]
        if inserted:
            publish_later(inserted)


#: The events a ``batched`` block has recorded so far (None outside one).
_batch: ContextVar[list[_Publish] | None] = ContextVar("outbox_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Insert the events recorded in the block together at its end: one statement instead
    of one per fragment (a work-order step records 3–8). Enter it inside the writer's
    transaction (the events must go in before it commits: refused otherwise); events
    recorded in a savepoint that was rolled back inside the block are left out, as their
    INSERT would have been undone. Nested blocks insert with the outermost one."""
    if _batch.get() is not None:
        yield
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("outbox.batched must run inside the writer's transaction")
    outermost = connection.atomic_blocks[0]
    pending: list[_Publish] = []
    token = _batch.set(pending)
    try:
        yield
    finally:
        _batch.reset(token)
    if not connection.in_atomic_block or connection.atomic_blocks[0] is not outermost:
        raise RuntimeError("the transaction ended inside outbox.batched")
    wanted = {id(func) for _sids, func, _robust in connection.run_on_commit}
    events = [e for p in pending if id(p) in wanted for e in p.events]
    if events:
        Event.objects.bulk_create(events)


def _record(events: list[Event]) -> list[Event]:
    """Insert now (or at the end of the ``batched`` block) and publish after the commit."""
    callback = _Publish(events)
    pending = _batch.get()
    if pending is None:
        if len(events) == 1:
            events[0].save(force_insert=True)
        else:
            Event.objects.bulk_create(events)
    else:
        pending.append(callback)
    transaction.on_commit(callback)
    return events


def record_event(
    *,
    topic: str,
    kind: str,
    template: str,
    context: Mapping[str, Any],
    actor: Any = None,
) -> Event:
    """Store the rendered fragment for ``topic`` and publish it when the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the writer's transaction")
    event = Event(
        topic=topic,
        kind=kind,
        html=render_fragment(template, context),
        actor=actor if getattr(actor, "pk", None) else None,
    )
    return _record([event])[0]


def record_events(
    *,
    topics: Sequence[str],
    kind: str,
    template: str,
    context: Mapping[str, Any],
    actor: Any = None,
) -> list[Event]:
    """``record_event`` of one fragment on many topics (a compound's residents' bells):
    rendered once, inserted in one statement, published together when the transaction
    commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must run inside the writer's transaction")
    if not topics:
        return []
    html = render_fragment(template, context)
    who = actor if getattr(actor, "pk", None) else None
    return _record([Event(topic=t, kind=kind, html=html, actor=who) for t in topics])


def frame(event_id: int, html: str) -> str:
    """What a socket receives: the event id (the page's replay cursor), then the fragment."""
    return f"<!--ev:{event_id}-->{html}"


def messages_for(event: Event) -> list[tuple[str, dict[str, Any]]]:
    """One (group, message) per language: the text is framed once here, not per socket."""
    return [
        (
            group_name(event.topic, lang),
            {"type": MESSAGE_TYPE, "id": event.pk, "text": frame(event.pk, html)},
        )
        for lang, html in event.html.items()
    ]


def publish_later(events: Sequence[Event]) -> None:
    """After a commit: hand the events to the process's kept publisher, which sends what
    its writers queued together and marks it (``deliberation/live/publisher.py``); the
    writer does not wait. The in-memory layer (embedded ``make run``) is sent to at once."""
    if publisher.serves(get_channel_layer()):
        publisher.get().submit(_messages(events))
    else:
        publish_events(events)


def _messages(events: Iterable[Event]) -> list[publisher.Message]:
    return [
        (event.pk, group, message) for event in events for group, message in messages_for(event)
    ]


def publish_events(events: Iterable[Event]) -> int:
    """Send events to their groups and wait; mark the ones that went out. Returns how many
    did."""
    events = list(events)
    if not events:
        return 0
    layer = get_channel_layer()
    sent: list[int] = []
    try:
        if publisher.serves(layer):
            sent = publisher.get().submit(_messages(events), mark=False).wait()
        else:  # on the server's loop (the in-memory layer lives there)
            call_blocking(_send_all, layer, events, sent)  # also from a thread with a loop
    except Exception:  # the layer is unreachable: the outbox keeps them for a retry
        log.warning(
            "live publish failed for %d event(s); kept in the outbox",
            len(events) - len(sent),
            exc_info=True,
        )
    if sent:
        Event.objects.filter(pk__in=sent).update(published_at=timezone.now())
    return len(sent)


async def _send_all(layer: Any, events: list[Event], sent: list[int]) -> None:
    for event in events:
        for group, message in messages_for(event):
            await layer.group_send(group, message)
        sent.append(event.pk)


def publish_pending(*, older_than: float | None = None, limit: int = 500) -> int:
    """Publish outbox events that were committed but never went out (e.g. Redis was down)."""
    age = settings.YISHI_OUTBOX_RETRY_SECONDS if older_than is None else older_than
    cutoff = timezone.now() - timedelta(seconds=age)
    pending = Event.objects.filter(published_at__isnull=True, created_at__lte=cutoff).order_by("id")
    return publish_events(pending[:limit])


def events_after(topics: Iterable[str], last_id: int, *, limit: int = 500) -> list[Event]:
    """What a reconnecting client missed on its topics, oldest id first.

    The client has seen ``last_id`` and, it may think, everything numbered below it. But ids
    are taken when a transaction writes, not when it commits: one that numbered its event
    earlier can commit later, after the client saw ``last_id``. Such a transaction was still
    running when ``last_id`` was inserted, so its id is at least that row's ``horizon``
    (PostgreSQL stamps both, migration 0012): those events below ``last_id`` come first,
    then everything above it. Some of them the client already has; it drops them by id
    (``static/js/live.js``). At most ``limit`` of each; on SQLite (writers serialised: ids
    are in commit order) only the second part exists."""
    topics = list(topics)
    fields = ("id", "topic", "html")
    late: list[Event] = []
    if last_id > 0 and connection.vendor == "postgresql":
        horizon, own_tx = _stamps_of(last_id)
        concurrent = Event.objects.filter(topic__in=topics, id__lt=last_id, tx__gte=horizon)
        if own_tx is not None:  # committed with ``last_id``: published before it
            concurrent = concurrent.exclude(tx=own_tx)
        late = list(concurrent.only(*fields).order_by("id")[:limit])
    after = Event.objects.filter(topic__in=topics, id__gt=last_id).only(*fields).order_by("id")
    return late + list(after[:limit])


def _stamps_of(event_id: int) -> tuple[int, int | None]:
    """(``horizon``, ``tx``) of event ``event_id``; if that row is gone, the horizon of the
    nearest one below it (older, so smaller: still safe) and no tx; (0, None) if none."""
    row = (
        Event.objects.filter(id__lte=event_id, horizon__isnull=False)
        .order_by("-id")
        .values_list("id", "horizon", "tx")
        .first()
    )
    if row is None:
        return 0, None
    found, horizon, tx = row
    return horizon or 0, (tx if found == event_id else None)


def last_event_id() -> int:
    """The cursor a freshly rendered page starts from."""
    last = Event.objects.order_by("-id").values_list("id", flat=True).first()
    return last or 0


def prune_events(*, now: datetime | None = None, batch: int = PRUNE_BATCH) -> int:
    """Delete the oldest events, those created more than ``YISHI_OUTBOX_KEEP_DAYS`` ago, so
    the outbox stays bounded; returns how many went. Only the replay of reconnecting pages
    reads old rows (``events_after``; the session room and page cursors read the newest id
    only), so what goes is what no page older than the horizon may replay any more: such a
    page is told to fetch itself again instead (``pruned_past``).

    It deletes a *prefix by id*, walking the primary key from the oldest row and stopping at
    the first row inside the horizon: every row kept has a larger id than every row deleted,
    which is what makes ``pruned_past`` exact. (Ids are taken slightly out of commit order;
    a younger row among old ones stops the walk there, the next run takes the rest.)"""
    cutoff = (now or timezone.now()) - timedelta(days=settings.YISHI_OUTBOX_KEEP_DAYS)
    removed = 0
    while True:
        rows = list(Event.objects.order_by("id").values_list("id", "created_at")[:batch])
        old = 0
        while old < len(rows) and rows[old][1] < cutoff:
            old += 1
        if old:
            removed += Event.objects.filter(id__lte=rows[old - 1][0]).delete()[0]
        if old < batch:
            return removed


def pruned_past(last_id: int) -> bool:
    """Whether a page whose cursor is ``last_id`` may have missed events that were pruned:
    its cursor came from an event (``last_event_id``), and pruning removes a prefix by id,
    so if no event at or below it is left, pruning has passed it. (When pruning took
    exactly the cursor's own event and nothing after it, the page is told to refresh
    although it missed nothing: harmless, and only for a page older than the horizon.)"""
    return last_id > 0 and not Event.objects.filter(id__lte=last_id).exists()


def stale_marker(cursor: int) -> str:
    """What a page gets instead of a replay when ``pruned_past`` its cursor: no event, but a
    "fetch this whole page again" marker carrying the cursor to go on from
    (``static/js/live.js``, ``data-refetch-page``). Sent without an ``ev`` frame so no page
    can drop it as already seen."""
    return (
        '<div hx-swap-oob="beforeend:#live-refetch">'
        f'<span data-refetch-page="" data-live-last="{int(cursor)}"></span></div>'
    )
