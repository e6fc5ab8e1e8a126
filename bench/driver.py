"""The open-loop driver: real work-order transitions through the services and the
viewflow flows at a fixed rate (or, for the floor, plain Redis publishes of a fragment of
the same size), stamping each commit.

``python -m bench.driver prepare --orders K`` makes a fresh pool of K dispatched and
accepted work orders (one issue each) and prints their ids; ``python -m bench.driver
yishi --orders 1,2,… --rate R --count C`` moves them in turn (progress note → complete →
the committee finds it unfinished → …) and prints one JSON object: ``stamps`` ([event id,
commit time, topic] for every live event a transition committed: the order's staff page,
the firm's inbox, the issue's public and staff pages, the committee's inbox),
``over_capacity`` (channels-redis group_send drops), ``max_lag_s`` (how late the open-loop
schedule ran) and the mean pushed ``fragment_bytes`` per topic kind.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from collections.abc import Sequence
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


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()


def prepare(orders: int) -> dict[str, Any]:
    """A fresh pool of ``orders`` issues reported by a resident of 团结公寓, each triaged to
    a work order for the compound's firm (intake flow) and accepted (work-order flow), so
    the driver can move them through real transitions. Fresh per phase, so the re-rendered
    timelines (which grow with every step) stay the size of a young issue's."""
    _django()
    from deliberation.models import Compound, Issue, IssueCategory, User
    from deliberation.services.issues import report_issue
    from workflows import intake
    from workflows.work_orders import perform

    tuanjie = Compound.objects.select_related("community", "property_provider").get(name="团结公寓")
    firm = tuanjie.property_provider
    assert firm is not None
    reporter, juwei, wuye = (User.objects.get(username=u) for u in ("jumin", "juwei", "wuye"))
    category = IssueCategory.objects.get(code="repair")
    pool: list[dict[str, int]] = []
    for i in range(orders):
        issue = report_issue(
            actor=reporter,
            channel=Issue.Channel.WEB,
            description=f"压测工单池 {i}：楼道灯不亮（示例）",
            compound=tuanjie,
            category=category,
        )
        order = intake.triage(issue, "dispatch", actor=juwei, responsible=firm)
        perform(order, "accept", actor=wuye)
        pool.append({"issue": issue.pk, "order": order.pk})
    return {"pool": pool, "firm": firm.pk}


def split_pool(made: dict[str, Any], sizes: Sequence[int]) -> list[dict[str, Any]]:
    """``prepare``'s one pool cut into pools of these sizes, in order (one driver process
    makes the pools of every measured run: each process costs a Django start)."""
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    return [
        {"firm": made["firm"], "pool": made["pool"][start : start + size]}
        for start, size in zip(starts, sizes, strict=True)
    ]


#: One work order's cycle of real transitions: a progress note (service), completion
#: (work-order flow, ``work`` node), the committee finding it unfinished (``verify`` node,
#: back to work), and again.
CYCLE = ("progress", "complete", "verify")


def drive_yishi(rate: float, count: int, orders: list[int]) -> dict[str, Any]:
    """Open-loop transitions on the pool's work orders in turn; every event a transition
    committed is stamped with that commit's time (its id and topic go to the swarm)."""
    _django()
    from django.db import transaction

    from deliberation.live import outbox, publisher
    from deliberation.models import Event, User, WorkOrder
    from deliberation.services.work_orders import add_progress
    from workflows.work_orders import perform

    for name in ("channels_redis.core", "channels_redis.pubsub"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(OverCapacity())

    wuye, juwei = User.objects.get(username="wuye"), User.objects.get(username="juwei")
    pool = {o.pk: o for o in WorkOrder.objects.filter(pk__in=orders)}
    # In progress: start at a progress note or at completion, so short runs mix steps too.
    phase = {o: i % 2 for i, o in enumerate(orders)}
    stamps: list[list[Any]] = []
    current: list[tuple[int, str]] = []
    kinds: dict[str, int] = {}

    # Every event a transition publishes after its commit (a step's events are inserted
    # together, with no per-row signal: ``outbox.batched``).
    publish = outbox.publish_later

    def stamped(events: Sequence[Event]) -> None:
        current.extend((e.pk, e.topic) for e in events)
        publish(events)

    outbox.publish_later = stamped  # type: ignore[assignment]

    def transition(order_id: int, i: int) -> None:
        order = pool[order_id]
        step = CYCLE[phase[order_id] % len(CYCLE)]
        phase[order_id] += 1
        kinds[step] = kinds.get(step, 0) + 1
        if step == "progress":
            add_progress(work_order=order, actor=wuye, text=f"压测进展 {i}：已到场检查（示例）")
        elif step == "complete":
            perform(order, "complete", actor=wuye, text=f"压测完工 {i}：已更换灯泡（示例）")
        else:
            perform(order, "verify", actor=juwei, approved=False, note=f"压测复核 {i}：仍不亮")

    # One transition before the clock starts, so the figures exclude this process's cold
    # start (first connections, template loading). Clients receive it too, but it has no
    # stamp, so it is not counted.
    transition(orders[0], -1)
    current.clear()

    def step(i: int) -> None:
        committed: dict[str, float] = {}
        with transaction.atomic():
            transaction.on_commit(lambda: committed.__setitem__("t", time.time()))
            transition(orders[i % len(orders)], i)
        stamps.extend([event_id, committed["t"], topic] for event_id, topic in current)
        current.clear()

    lag = schedule(rate, count, step)
    # The last transition's events are still being sent by this process's publisher thread:
    # reading the fragment sizes now (JSON of every event) would hold the GIL against it and
    # delay that one transition by ~120-150 ms — a stall of the driver, not of the worker.
    publisher.flush()
    return {
        "stamps": stamps,
        "over_capacity": OverCapacity.dropped,
        "max_lag_s": lag,
        "steps": kinds,
        "fragment_bytes": _fragment_sizes([s[0] for s in stamps]),
    }


def _fragment_sizes(ids: list[int]) -> dict[str, float]:
    """Mean size (bytes, zh-hans) of the pushed fragments, per topic kind and audience."""
    from deliberation.models import Event

    sizes: dict[str, list[int]] = {}
    for topic, html in Event.objects.filter(pk__in=ids).values_list("topic", "html"):
        kind, _, audience = topic.split(":")
        sizes.setdefault(f"{kind}:{audience}", []).append(len(html["zh-hans"].encode()))
    return {k: sum(v) / len(v) for k, v in sorted(sizes.items())}


def drive_floor(rate: float, count: int, redis_url: str, size: int) -> dict[str, Any]:
    import redis

    r = redis.Redis.from_url(redis_url)
    filler = "<p>" + "示" * max(0, size // 3) + "</p>"
    stamps: list[list[float]] = []

    def step(i: int) -> None:
        t = time.time()
        r.publish(FLOOR_CHANNEL, f"<!--ev:{i + 1}-->{filler}")
        stamps.append([i + 1, t, FLOOR_CHANNEL])

    lag = schedule(rate, count, step)
    return {"stamps": stamps, "over_capacity": 0, "max_lag_s": lag}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["prepare", "yishi", "floor"])
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--orders", help="prepare: how many; yishi: their ids, comma-separated")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", ""))
    parser.add_argument("--size", type=int, default=4000)
    args = parser.parse_args()
    if args.mode == "prepare":
        out = prepare(int(args.orders))
    elif args.mode == "yishi":
        out = drive_yishi(args.rate, args.count, [int(o) for o in args.orders.split(",")])
    else:
        out = drive_floor(args.rate, args.count, args.redis, args.size)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
