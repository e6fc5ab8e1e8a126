"""Where a work-order step's time goes (issue 14 §2): the steps of ``bench.transitions``
with the time of each live fragment's rendering summed per template, and a cProfile of
all steps written to a file for ``pstats``. ``--cpu``: each step and the notice per CPU
second instead of per wall second — this process's CPU plus its PostgreSQL backend's
(``/proc``), so a shared, loaded machine compares before and after fairly.

    .venv/bin/python -m bench.step_profile [--count 20] [--out /tmp/steps.prof] [--cpu]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import time
import types
from collections import defaultdict
from typing import Any


def cpu_clock() -> Any:
    """A stand-in for ``time`` whose ``perf_counter`` counts CPU seconds of this process
    and of its database backend."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    tick = os.sysconf("SC_CLK_TCK")

    def seconds() -> float:
        with open(f"/proc/{backend}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return time.process_time() + (int(fields[11]) + int(fields[12])) / tick

    return types.SimpleNamespace(perf_counter=seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20, help="orders per step")
    parser.add_argument("--out", default="", help="write a cProfile of all steps here")
    parser.add_argument("--cpu", action="store_true", help="rates per CPU second")
    args = parser.parse_args()
    from bench.environment import demo_world

    with demo_world():
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
        if args.cpu:
            transitions.time = cpu_clock()  # type: ignore[attr-defined]
            notice = transitions.notice_rate(max(args.count, 10))["per_s"]
            print(f"notice: {notice:.1f} per CPU second")
        profiler = cProfile.Profile()
        if args.out:
            profiler.enable()
        out = transitions.work_order_steps(args.count, 3)
        if args.out:
            profiler.disable()
            profiler.dump_stats(args.out)
        for name, row in out.items():
            share = f", {row['per_s'] / notice:.2f} of the notice" if args.cpu else ""
            print(f"{name}: {row['per_s']:.1f}/s, {row['queries']} queries{share}")
        print("rendering per template (all steps, both languages):")
        for template, (seconds, n) in sorted(spent.items(), key=lambda kv: -kv[1][0]):
            print(f"  {template}: {n} renders, {seconds * 1000 / n:.2f} ms each, {seconds:.2f} s")


if __name__ == "__main__":
    main()
