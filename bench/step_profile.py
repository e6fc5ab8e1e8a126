"""Where a work-order step's time goes (issue 14 §2): the steps of ``bench.transitions``
with the time of each live fragment's rendering summed per template, and a cProfile of
all steps written to a file for ``pstats``.

    .venv/bin/python -m bench.step_profile [--count 20] [--out /tmp/steps.prof]
"""

from __future__ import annotations

import argparse
import cProfile
import time
from collections import defaultdict
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20, help="orders per step")
    parser.add_argument("--out", default="", help="write a cProfile of all steps here")
    args = parser.parse_args()
    from bench.environment import start_django
    from tests.plugins.services import PostgresServer, RedisServer

    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    try:
        start_django(pg, redis)
        from deliberation.demo.tuanjiehu import seed

        seed()
        from bench import transitions
        from deliberation.live import outbox

        spent: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
        render = outbox.render_fragment

        def timed(template: str, context: Any) -> dict[str, str]:
            start = time.perf_counter()
            try:
                return render(template, context)
            finally:
                spent[template][0] += time.perf_counter() - start
                spent[template][1] += 1

        outbox.render_fragment = timed  # type: ignore[assignment]
        profiler = cProfile.Profile()
        if args.out:
            profiler.enable()
        out = transitions.work_order_steps(args.count, 3)
        if args.out:
            profiler.disable()
            profiler.dump_stats(args.out)
        for name, row in out.items():
            print(f"{name}: {row['per_s']:.1f}/s, {row['queries']} queries")
        print("rendering per template (all steps, both languages):")
        for template, (seconds, n) in sorted(spent.items(), key=lambda kv: -kv[1][0]):
            print(f"  {template}: {n} renders, {seconds * 1000 / n:.2f} ms each, {seconds:.2f} s")
    finally:
        redis.stop()
        pg.stop()


if __name__ == "__main__":
    main()
