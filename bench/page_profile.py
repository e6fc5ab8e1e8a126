"""The server's own cost per page (issue 14 §1): a few pages through one Daphne worker on
PostgreSQL and Redis (``bench.settings``, ``DEBUG=0``), with the worker's CPU and queries per
request read from ``bench.probe``'s counters, against ``/healthz/`` in the same run.

``python -m bench.page_profile --pages "issue page,issue list" --rounds 2 --seconds 5``

Rounds take turns between the pages, so a change in the machine's load hits them alike.
``--config "NAME=VALUE ..."`` (repeatable) starts one worker per configuration with those
variables added, one after the other on the same database, to compare them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench import pages
from bench.environment import start_django
from bench.httpload import load
from tests.plugins.services import PostgresServer, RedisServer, free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"


def _counters(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(  # noqa: S310  (loopback, our own probe)
        f"http://127.0.0.1:{port}/__bench__/counters", timeout=30
    ) as r:
        return dict(json.loads(r.read()))


def _start_worker(env: dict[str, str], app: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    LOGS.mkdir(parents=True, exist_ok=True)
    with open(LOGS / f"page-profile-{port}.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)] + [app],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    wait_for_port(port, timeout=60)
    return proc, port


async def _measure(
    port: int, targets: list[tuple[str, str, str | None]], rounds: int, seconds: float, c: int
) -> list[dict[str, Any]]:
    totals: dict[str, dict[str, float]] = {}
    for _label, path, cookie in targets:
        await pages.warm(port, path, cookie, times=5)
    for _ in range(rounds):
        for label, path, cookie in targets:
            before = _counters(port)
            h = await load(port, path, cookie=cookie, concurrency=c, seconds=seconds)
            after = _counters(port)
            t = totals.setdefault(label, {"requests": 0, "rps": 0.0, "cpu_s": 0, "queries": 0})
            t["requests"] += h["requests"]
            t["rps"] += h["rps"] / rounds
            t["cpu_s"] += after["cpu_s"] - before["cpu_s"]
            t["queries"] += after["queries"] - before["queries"]
            t["errors"] = t.get("errors", 0) + h["errors"]
    rows = []
    trivial = totals[pages.TRIVIAL]["rps"]
    for label, t in totals.items():
        n = max(t["requests"], 1)
        rows.append(
            {
                "page": label,
                "rps": t["rps"],
                "share": t["rps"] / trivial,
                "cpu_ms": t["cpu_s"] / n * 1000,
                "queries": t["queries"] / n,
                "errors": t["errors"],
            }
        )
    return rows


def _print_profile(port: int) -> None:
    import pstats

    with urllib.request.urlopen(  # noqa: S310  (loopback, our own probe)
        f"http://127.0.0.1:{port}/__bench__/profile", timeout=60
    ) as r:
        path = r.read().decode()
    stats = pstats.Stats(path, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(70)
    stats.sort_stats("tottime").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", default="issue page", help="comma-separated label parts")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--config",
        action="append",
        default=[],
        help='one worker per --config, in turn: "NAME=VALUE NAME=VALUE" added to its env',
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the request threads (one worker)"
    )
    args = parser.parse_args()
    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        env = start_django(pg, redis)
        from bench.seed import seed_volume, session_cookie

        print(seed_volume(units=300, announcements=2000, events=2000, issues=2000), flush=True)
        wanted = [w.strip() for w in args.pages.split(",")]
        targets = [
            t
            for t in pages.targets_for(session_cookie)
            if t[0] == pages.TRIVIAL or any(w in t[0] for w in wanted)
        ]
        from django.db import connections

        connections.close_all()
        configs = [c.split() for c in args.config] or [[]]
        for extra in configs:
            worker_env = {**env, **dict(e.split("=", 1) for e in extra)}
            app = "bench.profiled_probe:application" if args.profile else "bench.probe:application"
            proc, port = _start_worker(worker_env, app)
            procs.append(proc)
            rows = asyncio.run(_measure(port, targets, args.rounds, args.seconds, args.concurrency))
            print(f"\nworker env {extra or '(bench.settings)'}; load {os.getloadavg()}")
            print("| page | req/s | share | worker CPU ms/req | queries/req | errors |")
            print("|---|---:|---:|---:|---:|---:|")
            for r in rows:
                print(
                    f"| {r['page']} | {r['rps']:.0f} | {r['share']:.2f} | {r['cpu_ms']:.1f} "
                    f"| {r['queries']:.1f} | {r['errors']} |",
                    flush=True,
                )
            if args.profile:
                _print_profile(port)
            proc.terminate()
            proc.wait(10)
            time.sleep(1)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
