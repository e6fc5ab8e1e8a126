"""``python -m bench [--quick]``: one run of every measurement of issue 5, written as JSON and
appended as a Markdown table to ``docs/benchmarks.md``.

It starts its own PostgreSQL and Redis (the test suite's server classes), migrates, seeds the
demo plus generated volume, and serves ``bench.probe:application`` (Yishi + counters) with
Daphne, one worker and then two sharing Redis; last, the same app under each candidate
server side by side (``bench/servers.py``). See ``docs/benchmarks.md`` for what each figure
means.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import astuple, dataclass, replace
from pathlib import Path
from typing import Any

from bench import pages, report, servers
from bench import transitions as bench_transitions
from bench.driver import split_pool
from bench.environment import start_django
from bench.httpload import load
from bench.swarm import Swarm, Target, delivery_stats
from tests.plugins.services import PostgresServer, RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"


@dataclass(frozen=True)
class Plan:
    levels: tuple[int, ...]
    two_worker_levels: tuple[int, ...]
    rate: float  # transitions per second during a latency level
    level_seconds: float
    soak_clients: int
    soak_rate: float
    soak_seconds: float
    http_seconds: float
    http_concurrency: int
    transitions: int
    units: int
    announcements: int
    events: int
    issues: int = 0
    # Work orders per fresh pool, if not ``POOL`` and ``SOAK_POOL``: each costs three real
    # transitions in a driver process before its level starts (quick: fewer).
    pool: int = 0
    soak_pool: int = 0
    # After the clients connect, before the transitions: the workers' memory settles (the
    # RSS per socket is read then); quick mode only proves the phase runs.
    settle_seconds: float = 2.0


FULL = Plan(
    levels=(10, 200, 1000),
    two_worker_levels=(200, 1000),
    rate=5,
    level_seconds=20,
    soak_clients=500,
    soak_rate=5,
    soak_seconds=300,
    http_seconds=10,
    http_concurrency=32,
    transitions=200,
    units=2000,
    announcements=10_000,
    events=10_000,
    issues=10_000,
)
QUICK = Plan(
    levels=(10,),
    two_worker_levels=(10,),
    rate=5,
    level_seconds=1,
    soak_clients=20,
    soak_rate=5,
    soak_seconds=2,
    http_seconds=0.25,  # × 16 pages (bench/pages.py)
    http_concurrency=8,
    transitions=10,
    units=100,
    announcements=200,
    events=200,
    issues=200,
    pool=3,
    soak_pool=5,
    settle_seconds=0.5,
)


class Worker:
    """One Daphne process serving ``bench.probe:application``."""

    def __init__(self, env: dict[str, str]) -> None:
        self.port = free_port()
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(LOGS / f"daphne-{self.port}.log", "wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port)]
                # A socket's handshake checks every topic against the policy (one query
                # each): with a thousand clients opening 10–20 topics at once, Daphne's
                # default handshake timeout drops some; a proxy would wait longer too.
                + ["--websocket_connect_timeout", "60"]
                + ["bench.probe:application"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_for_port(self.port, timeout=60)

    def counters(self, *, gc: bool = False) -> dict[str, Any]:
        path = "gc" if gc else "counters"
        with urllib.request.urlopen(  # noqa: S310  (loopback, our own probe)
            f"http://127.0.0.1:{self.port}/__bench__/{path}", timeout=30
        ) as r:
            return dict(json.loads(r.read()))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


#: Work orders per pool (fresh for every measured run): residents follow all of the pool's
#: issues and staff all of its orders, so every transition reaches every client.
POOL = 10
SOAK_POOL = 19  # 1 inbox + 19 order pages = the consumer's limit of 20 topics
STAFF_EVERY = 10  # one client in ten is the firm's staff; the others are residents


@dataclass(frozen=True)
class Audience:
    """Session cookies: one per generated resident, a few for the firm's staff (wuye)."""

    residents: list[str]
    staff: list[str]


def targets(ports: list[int], audience: Audience, pool: dict[str, Any], n: int) -> list[Target]:
    """What real pages open: a resident's issue page (``issue:<id>:public``), the firm's
    work-order pages (``work_order:<id>:staff``) and its inbox (``org:<id>:inbox``) —
    here each client holds the whole pool's topics of its kind."""
    residents = frozenset(f"issue:{p['issue']}:public" for p in pool["pool"])
    staff = frozenset(
        [f"org:{pool['firm']}:inbox", *(f"work_order:{p['order']}:staff" for p in pool["pool"])]
    )
    out = []
    for i in range(n):
        port = ports[i % len(ports)]
        if i % STAFF_EVERY == STAFF_EVERY - 1:
            topics, cookie = staff, audience.staff[i % len(audience.staff)]
        else:
            topics, cookie = residents, audience.residents[i]
        query = ",".join(sorted(topics))
        url = f"ws://127.0.0.1:{port}/ws/live/?topics={query}&lang=zh-hans"
        out.append(Target(url, cookie, topics))
    return out


async def run_driver(env: dict[str, str], *args: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.driver",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    if proc.returncode:
        raise RuntimeError(f"driver failed ({proc.returncode})")
    return dict(json.loads(out))


async def fresh_pools(env: dict[str, str], sizes: list[int]) -> list[dict[str, Any]]:
    """Fresh pools of work orders of these sizes, made by one driver process (each process
    costs a Django start): every measured run gets its own, unused until it starts."""
    made = await run_driver(env, "prepare", "--orders", str(sum(sizes)))
    return split_pool(made, sizes)


def delta(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> dict[str, float]:
    keys = ("queries", "renders", "deliveries", "cpu_s", "gc_full_collections", "gc_pause_s")
    return {k: sum(a[k] - b[k] for b, a in zip(before, after, strict=True)) for k in keys}


async def live_level(
    *,
    env: dict[str, str],
    workers: list[Worker],
    n: int,
    rate: float,
    seconds: float,
    audience: Audience | None = None,
    pool_size: int = POOL,
    pool: dict[str, Any] | None = None,
    floor_port: int = 0,
    fragment_bytes: int = 0,
    redis_url: str = "",
    settle_seconds: float = 2.0,
) -> dict[str, Any]:
    """Connect ``n`` clients, drive ``rate``×``seconds`` transitions, collect what arrived.
    With ``workers``, on ``pool`` (from ``fresh_pools``) or a fresh pool of ``pool_size``
    work orders made first; without, the floor."""
    if workers:
        assert audience is not None
        pool = pool or (await fresh_pools(env, [pool_size]))[0]
        swarm = Swarm(targets([w.port for w in workers], audience, pool, n))
        orders = ",".join(str(p["order"]) for p in pool["pool"])
        args = ["yishi", "--orders", orders]
    else:
        swarm = Swarm([Target(f"ws://127.0.0.1:{floor_port}/")])
        args = ["floor", "--redis", redis_url, "--size", str(fragment_bytes)]
    await swarm.connect(min(n, 5))  # warm the workers (imports, pools) before measuring RSS
    await swarm.close()
    rss_before = workers[0].counters(gc=True)["rss_kib"] if workers else 0
    connect_s = await swarm.connect(n)
    await asyncio.sleep(settle_seconds)
    rss_after = workers[0].counters(gc=True)["rss_kib"] if workers else 0
    before = [w.counters() for w in workers]
    count = max(1, round(rate * seconds))
    out = await run_driver(env, *args, "--rate", str(rate), "--count", str(count))
    await swarm.wait_for(out["stamps"], quiet=10.0)
    after = [w.counters() for w in workers]
    stats = delivery_stats(swarm.clients, out["stamps"])
    await swarm.close()
    result: dict[str, Any] = {
        **stats,
        "rate": rate,
        "connect_s": connect_s,
        "over_capacity": out["over_capacity"],
        "driver_max_lag_s": out["max_lag_s"],
    }
    if workers:
        d = delta(before, after)
        per = max(1.0, d["deliveries"])
        clients_on_first = len(range(0, n, len(workers)))
        result.update(
            steps=out["steps"],
            fragment_bytes=out["fragment_bytes"],
            consumer_deliveries=d["deliveries"],
            queries_per_delivery=d["queries"] / per,
            renders_per_delivery=d["renders"] / per,
            cpu_us_per_delivery=d["cpu_s"] / per * 1e6,
            rss_kib_per_socket=(rss_after - rss_before) / clients_on_first,
            gc_full_collections=d["gc_full_collections"],
            gc_pause_ms=d["gc_pause_s"] * 1e3,
            gc_max_pause_ms=max(a["gc_max_pause_s"] for a in after) * 1e3,
        )
    else:
        result["fragment_bytes"] = {"floor": fragment_bytes}
    return result


async def live_phases(
    plan: Plan,
    env: dict[str, str],
    audience: Audience,
    redis_url: str,
    http_targets: list[tuple[str, str, str | None]],
) -> dict[str, Any]:
    results: dict[str, Any] = {"latency": [], "http": []}
    one = Worker(env)
    two = Worker(env)
    floor_port = free_port()
    floor_proc = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", "--port", str(floor_port), "--redis", redis_url],
        cwd=ROOT,
        env=env,
    )
    wait_for_port(floor_port)
    runs_per_level = [1 + (n in plan.two_worker_levels) for n in plan.levels]
    pools = await fresh_pools(
        env, [plan.pool or POOL] * sum(runs_per_level) + [plan.soak_pool or SOAK_POOL]
    )
    report.phase("two workers and the floor started, the work-order pools made")
    try:
        for n in plan.levels:
            common: dict[str, Any] = {
                "env": env,
                "n": n,
                "rate": plan.rate,
                "seconds": plan.level_seconds,
                "settle_seconds": plan.settle_seconds,
            }
            runs = [("yishi, 1 worker", [one])]
            if n in plan.two_worker_levels:
                runs.append(("yishi, 2 workers", [one, two]))
            sizes: list[float] = []
            for label, workers in runs:
                r = await live_level(
                    workers=workers, audience=audience, pool=pools.pop(0), **common
                )
                results["latency"].append({"server": label, **r})
                sizes.append(r["fragment_bytes"].get("issue:public", 0))
                report.progress(label, r)
            # The floor pushes what most clients (the residents) got: the issue's fragment.
            r = await live_level(
                workers=[],
                floor_port=floor_port,
                fragment_bytes=round(sum(sizes) / len(sizes)),
                redis_url=redis_url,
                **common,
            )
            results["latency"].append({"server": "floor", **r})
            report.progress("floor", r)

        r = await live_level(
            env=env,
            workers=[one],
            audience=audience,
            pool=pools.pop(0),
            settle_seconds=plan.settle_seconds,
            n=plan.soak_clients,
            rate=plan.soak_rate,
            seconds=plan.soak_seconds,
        )
        results["soak"] = {"seconds": plan.soak_seconds, **r}
        report.progress("soak", r)

        for label, path, cookie in http_targets:
            await pages.warm(one.port, path, cookie)
            h = await load(
                one.port,
                path,
                cookie=cookie,
                concurrency=plan.http_concurrency,
                seconds=plan.http_seconds,
            )
            results["http"].append({"page": label, "concurrency": plan.http_concurrency, **h})
            report.progress(label, h)
    finally:
        floor_proc.terminate()
        floor_proc.wait(10)
        one.stop()
        two.stop()
    return results


def transitions_phase(plan: Plan) -> dict[str, Any]:
    """Transitions/s through the service on PostgreSQL (serial), and queries per transition."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import Compound, Event, User
    from deliberation.services.announcements import post_announcement

    author = User.objects.get(username="wuye")
    compound = Compound.objects.select_related("property_provider").get(name="团结公寓")

    def post(i: int) -> None:
        post_announcement(
            author=author,
            organization=compound.property_provider,  # type: ignore[arg-type]
            compound=compound,
            title=f"基准通知 {i}",
            body="水箱清洗（示例）。",
        )

    post(-1)  # warm caches and connections
    with CaptureQueriesContext(connection) as ctx:
        post(0)
    queries = len(ctx.captured_queries)
    start = time.perf_counter()
    for i in range(plan.transitions):
        post(i)
    elapsed = time.perf_counter() - start
    latest = Event.objects.order_by("-id").first()
    fragment = latest.html["zh-hans"] if latest else ""
    return {
        "kind": "announcement.posted (post_announcement)",
        "count": plan.transitions,
        "per_s": plan.transitions / elapsed,
        "queries_per_transition": queries,
        "fragment_bytes": len(fragment.encode()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small N, seconds (make test)")
    parser.add_argument("--json", type=Path, help="where to write the JSON results")
    parser.add_argument("--markdown", type=Path, help="append the table here")
    parser.add_argument(
        "--transitions-only", action="store_true", help="only the transitions measurement"
    )
    parser.add_argument("--levels", help="override the client counts, e.g. 200,1000")
    parser.add_argument("--soak-seconds", type=float, help="override the soak's length")
    parser.add_argument("--level-seconds", type=float, help="override each level's length")
    parser.add_argument(
        "--layer",
        choices=["live", "core", "channels-pubsub"],
        default="live",
        help="channel layer: live (project settings: deliberation.live.layer), or for "
        "comparison channels-redis's core or its plain pub/sub layer",
    )
    args = parser.parse_args()
    plan = QUICK if args.quick else FULL
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    if args.levels:
        levels = tuple(int(n) for n in args.levels.split(","))
        plan = replace(
            plan, levels=levels, two_worker_levels=levels, units=max(plan.units, *levels)
        )
    if args.level_seconds is not None:
        plan = replace(plan, level_seconds=args.level_seconds)
    if args.soak_seconds is not None:
        plan = replace(plan, soak_seconds=args.soak_seconds)
    os.environ["YISHI_BENCH_LAYER"] = args.layer
    if args.layer == "core":
        os.environ["REDIS_CHANNEL_LAYER"] = "core"
    started = time.time()
    machine = report.machine()

    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    lineup: servers.Lineup | None = None
    try:
        env = start_django(pg, redis)
        report.phase("PostgreSQL, Redis and Django started, migrated")
        # Quick: the server comparison's processes start now, their imports under the seeding.
        lineup = servers.start(servers.QUICK, env) if args.quick else None
        from bench.seed import seed_volume, session_cookie, swarm_cookies
        from deliberation.models import User

        volume = seed_volume(
            units=plan.units,
            announcements=plan.announcements,
            events=plan.events,
            issues=plan.issues,
        )
        report.phase("volume seeded")
        transitions = transitions_phase(plan)
        report.phase("transitions measured")
        transitions["steps"] = bench_transitions.for_plan(plan)  # bench/transitions.py
        report.phase("work-order steps, paper ballots and the 12345 import measured")
        if args.transitions_only:
            print(json.dumps(transitions, indent=2, ensure_ascii=False))
            print(report.transitions_markdown(transitions, machine))
            if args.markdown:
                with open(args.markdown, "a") as f:
                    f.write("\n" + report.transitions_markdown(transitions, machine))
            return
        n_max = max((*plan.levels, plan.soak_clients))
        wuye = User.objects.get(username="wuye")
        audience = Audience(
            residents=swarm_cookies(n_max), staff=[session_cookie(wuye) for _ in range(5)]
        )
        http_targets = pages.targets_for(session_cookie)
        resident = session_cookie(User.objects.get(username="jumin"))
        from django.db import connections

        connections.close_all()
        results = asyncio.run(live_phases(plan, env, audience, redis.url, http_targets))
        lineup = lineup or servers.start(servers.FULL, env)
        results["servers"] = asyncio.run(
            servers.compare(
                lineup, env, audience=servers.Audience(*astuple(audience)), resident=resident
            )
        )
    finally:
        if lineup is not None:
            servers.stop(lineup)
        redis.stop()
        pg.stop()

    machine["load_avg_at_end"] = os.getloadavg()
    out = {
        "mode": "quick" if args.quick else "full",
        "layer": args.layer,
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "duration_s": time.time() - started,
        "machine": machine,
        "volume": volume,
        "plan": plan.__dict__,
        "transitions": transitions,
        **results,
    }
    out["targets"] = report.targets(out) + servers.targets(out["servers"])
    json_path = args.json or (LOGS / ("quick.json" if args.quick else "full.json"))
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    table = report.markdown(out) + "\n" + servers.markdown(out["servers"])
    print(table)
    if args.markdown:
        with open(args.markdown, "a") as f:
            f.write("\n" + table)


if __name__ == "__main__":
    main()
