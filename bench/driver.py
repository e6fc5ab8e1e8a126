"""The open-loop driver: real transitions through services at a fixed rate (or, for the
floor, plain Redis publishes of a fragment of the same size), stamping each commit.

Run as ``python -m bench.driver yishi|floor --rate R --count C``; prints one JSON object:
``stamps`` ([event id, commit time]), ``over_capacity`` (channels-redis group_send drops)
and ``max_lag_s`` (how late the open-loop schedule ran).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from typing import Any

FLOOR_CHANNEL = "bench.floor"


class OverCapacity(logging.Handler):
    """channels-redis logs '<n> of <m> channels over capacity in group <g>' and drops them."""

    dropped = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "over capacity" in record.msg:
            OverCapacity.dropped += int(record.args[0])  # type: ignore[index]


def schedule(rate: float, count: int, step: Any) -> float:
    """Call ``step(i)`` at t0 + i/rate regardless of how long earlier steps took."""
    t0 = time.monotonic() + 0.2
    max_lag = 0.0
    for i in range(count):
        due = t0 + i / rate
        now = time.monotonic()
        if due > now:
            time.sleep(due - now)
        else:
            max_lag = max(max_lag, now - due)
        step(i)
    return max_lag


def drive_yishi(rate: float, count: int) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import transaction
    from django.db.models.signals import post_save

    from deliberation.models import Compound, Event, User
    from deliberation.services.announcements import post_announcement

    logger = logging.getLogger("channels_redis.core")
    logger.setLevel(logging.INFO)
    logger.addHandler(OverCapacity())

    author = User.objects.get(username="wuye")
    compound = Compound.objects.select_related("property_provider").get(name="团结公寓")
    stamps: list[list[float]] = []
    current: dict[str, float] = {}

    def on_event(sender: Any, instance: Event, created: bool, **kw: Any) -> None:
        if created:
            current["id"] = instance.pk

    post_save.connect(on_event, sender=Event)
    # One transition before the clock starts, so the figures exclude this process's cold
    # start (first PostgreSQL and Redis connections, loading the group_send script). Clients
    # receive it too, but it has no stamp, so it is not counted.
    with transaction.atomic():
        post_announcement(
            author=author,
            organization=compound.property_provider,  # type: ignore[arg-type]
            compound=compound,
            title="预热",
            body="预热（示例）",
        )

    def step(i: int) -> None:
        with transaction.atomic():
            transaction.on_commit(lambda: current.__setitem__("t", time.time()))
            post_announcement(
                author=author,
                organization=compound.property_provider,  # type: ignore[arg-type]
                compound=compound,
                title=f"压测通知 {i}",
                body="电梯检修，请注意安全（示例）。",
            )
        stamps.append([current["id"], current["t"]])

    lag = schedule(rate, count, step)
    return {"stamps": stamps, "over_capacity": OverCapacity.dropped, "max_lag_s": lag}


def drive_floor(rate: float, count: int, redis_url: str, size: int) -> dict[str, Any]:
    import redis

    r = redis.Redis.from_url(redis_url)
    filler = "<p>" + "示" * max(0, size // 3) + "</p>"
    stamps: list[list[float]] = []

    def step(i: int) -> None:
        t = time.time()
        r.publish(FLOOR_CHANNEL, f"<!--ev:{i + 1}-->{filler}")
        stamps.append([i + 1, t])

    lag = schedule(rate, count, step)
    return {"stamps": stamps, "over_capacity": 0, "max_lag_s": lag}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["yishi", "floor"])
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--size", type=int, default=4000)
    args = parser.parse_args()
    if args.mode == "yishi":
        out = drive_yishi(args.rate, args.count)
    else:
        out = drive_floor(args.rate, args.count, args.redis, args.size)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
