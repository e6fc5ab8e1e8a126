"""The outbox stays bounded (issue 14, part 4): old events are pruned by a periodic job, and a
page whose cursor is older than what is kept is told to fetch itself again, not left with a
silent gap."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.utils import timezone

from deliberation import periodic
from deliberation.live.outbox import prune_events, pruned_past
from deliberation.models import Event
from tests.support.clients import communicator, login_client


def _events(topic: str, n: int, *, days_ago: float) -> list[int]:
    made = Event.objects.bulk_create(
        Event(topic=topic, kind="test", html={"en": f"<p>{i}</p>"}) for i in range(n)
    )
    ids = [e.pk for e in made]
    Event.objects.filter(pk__in=ids).update(created_at=timezone.now() - timedelta(days=days_ago))
    return ids


@pytest.mark.django_db
def test_the_daily_job_prunes_events_older_than_the_horizon_and_keeps_the_rest(
    settings,
) -> None:
    settings.YISHI_OUTBOX_KEEP_DAYS = 7
    Event.objects.all().delete()
    old = _events("compound:1:public", 12, days_ago=8)
    kept = _events("compound:1:public", 3, days_ago=6)
    assert periodic.REGISTRY["prune_outbox"].at  # on beat's schedule, once a day
    assert periodic.JOBS["prune_outbox"]() == 12
    assert list(Event.objects.order_by("id").values_list("id", flat=True)) == kept
    assert pruned_past(old[-1]) and not pruned_past(kept[0]) and not pruned_past(0)
    assert prune_events() == 0  # nothing more is due: the job may run again


@pytest.mark.django_db
def test_pruning_takes_a_prefix_by_id_in_batches(settings) -> None:
    """A younger row among old ones stops the walk: every row kept is newer by id than every
    row pruned, which is what lets a cursor say whether it was pruned past."""
    settings.YISHI_OUTBOX_KEEP_DAYS = 1
    Event.objects.all().delete()
    first = _events("compound:1:public", 5, days_ago=3)
    young = _events("compound:1:public", 1, days_ago=0)
    rest = _events("compound:1:public", 4, days_ago=3)
    assert prune_events(batch=2) == 5
    assert list(Event.objects.order_by("id").values_list("id", flat=True)) == young + rest
    assert pruned_past(first[-1]) and not pruned_past(young[0])


@pytest.mark.django_db(transaction=True)
def test_a_page_reconnecting_after_the_horizon_is_told_to_fetch_itself_again(
    tdemo, settings
) -> None:
    settings.YISHI_OUTBOX_KEEP_DAYS = 7
    topic = f"compound:{tdemo.tuanjie.pk}:public"
    client = login_client(tdemo.user("jumin"))
    path = f"/ws/live/?topics={topic}&lang=en"

    def world() -> tuple[int, int, int]:
        Event.objects.update(created_at=timezone.now() - timedelta(days=11))  # the demo's
        cursor = _events(topic, 3, days_ago=10)[-1]  # the page was rendered then
        _events(topic, 2, days_ago=9)  # it missed these, and they are pruned
        kept = _events(topic, 1, days_ago=1)[-1]
        newest = _events(topic, 1, days_ago=0)[-1]
        prune_events()
        return cursor, kept, newest

    async def scenario() -> None:
        cursor, kept, newest = await database_sync_to_async(world)()
        comm = communicator(client, path)
        assert (await comm.connect())[0]
        await comm.send_json_to({"resume": cursor})
        got = await comm.receive_from(timeout=5)
        assert "data-refetch-page" in got and f'data-live-last="{newest}"' in got
        assert 'hx-swap-oob="beforeend:#live-refetch"' in got
        assert "<p>" not in got and not got.startswith("<!--ev:")  # no partial replay
        assert await comm.receive_nothing(timeout=0.3)
        await comm.disconnect()

        # A page inside the horizon replays as before.
        fresh = communicator(client, path)
        assert (await fresh.connect())[0]
        await fresh.send_json_to({"resume": kept})
        assert (await fresh.receive_from(timeout=5)).startswith(f"<!--ev:{newest}-->")
        assert await fresh.receive_nothing(timeout=0.3)
        await fresh.disconnect()

    async_to_sync(scenario)()
