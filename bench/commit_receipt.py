"""``python -m bench.commit_receipt [--clients 10] [--seconds 20] [--repeat 3]``: only the live
phase's commit → receipt measurement at one client count, Yishi (one Daphne worker) and the
floor taken in turn, ``--repeat`` times, in one run — the p99 ratio without the other phases
of ``python -m bench`` (seeding 10,000 rows, the soak, the HTTP load; ~15 minutes).

Prints one JSON object: every run's figures, the p99 ratio of each (Yishi, floor) pair taken
back to back and their median, and the load average before and after (the machine may be
shared: a pair's ratio is what to compare).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
from typing import Any

from bench import report
from bench.__main__ import ROOT, Audience, Worker, live_level
from bench.environment import start_django
from tests.plugins.services import PostgresServer, RedisServer, free_port, wait_for_port


async def runs(
    env: dict[str, str], audience: Audience, redis_url: str, args: argparse.Namespace
) -> list[dict[str, Any]]:
    worker = Worker(env)
    floor_port = free_port()
    floor = subprocess.Popen(
        [sys.executable, "-m", "bench.floor", "--port", str(floor_port), "--redis", redis_url],
        cwd=ROOT,
        env=env,
    )
    wait_for_port(floor_port)
    out: list[dict[str, Any]] = []
    common = {"env": env, "n": args.clients, "rate": args.rate, "seconds": args.seconds}
    try:
        for _ in range(args.repeat):
            r = await live_level(workers=[worker], audience=audience, **common)
            out.append({"server": "yishi, 1 worker", **r})
            report.progress("yishi, 1 worker", r)
            size = round(r["fragment_bytes"].get("issue:public", 0))
            r = await live_level(
                workers=[],
                floor_port=floor_port,
                fragment_bytes=size,
                redis_url=redis_url,
                **common,
            )
            out.append({"server": "floor", **r})
            report.progress("floor", r)
    finally:
        floor.terminate()
        floor.wait(10)
        worker.stop()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load_before = os.getloadavg()
    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    try:
        env = start_django(pg, redis)
        from django.db import connections

        from bench.seed import seed_volume, session_cookie, swarm_cookies
        from deliberation.models import User

        seed_volume(units=max(20, args.clients), announcements=50, events=50)
        wuye = User.objects.get(username="wuye")
        audience = Audience(
            residents=swarm_cookies(args.clients), staff=[session_cookie(wuye) for _ in range(5)]
        )
        connections.close_all()
        results = asyncio.run(runs(env, audience, redis.url, args))
    finally:
        redis.stop()
        pg.stop()

    pairs = [(y["p99_ms"], f["p99_ms"]) for y, f in zip(results[::2], results[1::2], strict=True)]
    summary = {
        "clients": args.clients,
        "seconds": args.seconds,
        "rate": args.rate,
        "load_avg_before": load_before,
        "load_avg_after": os.getloadavg(),
        "p99_ms": {"yishi": [y for y, _ in pairs], "floor": [f for _, f in pairs]},
        "ratio_per_pair": [round(y / f, 2) for y, f in pairs],
        "median_ratio": sorted(y / f for y, f in pairs)[len(pairs) // 2],
        "runs": results,
    }
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
