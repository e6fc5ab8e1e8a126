"""Work-order transitions in bulk (issue 14 §2): the five steps of an order's life, each as
transitions per second and queries per transition, against posting a notice in the same run.

Every order here comes from a reported issue, as most do: the committee dispatches it
through the intake flow (``triage``), the firm accepts it (work-order flow), reports progress
(service), completes it (flow) and the committee verifies it (flow). Each step runs on
``count`` fresh orders in turn, serially on PostgreSQL; the first order of each step is
measured for queries (its warm-up order comes before). ``parties`` organizations take part:
the responsible firm plus co-operating ones (the queries per step must not grow with them).

Alone, on a fresh PostgreSQL of its own (the bench's setup)::

    .venv/bin/python -m bench.transitions [--count 40] [--parties 3,30]
        [--ballots 200] [--import-rows 5000] [--profile dispatch|progress|...]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from collections.abc import Callable
from typing import Any

#: The steps in the order an order takes them.
STEPS = ("dispatch", "accept", "progress", "complete", "verify")
#: Each step's target: at least this share of the notice rate measured in the same run.
SHARE = 0.5


def notice_rate(count: int) -> dict[str, Any]:
    """Posting a notice (``post_announcement``): the yardstick of the same run."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import Compound, User
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

    post(-1)
    with CaptureQueriesContext(connection) as ctx:
        post(0)
    start = time.perf_counter()
    for i in range(count):
        post(i + 1)
    return {"per_s": count / (time.perf_counter() - start), "queries": len(ctx.captured_queries)}


def work_order_steps(
    count: int, parties: int, profile: str = ""
) -> dict[str, dict[str, float | int]]:
    """Each of ``STEPS`` on ``count`` (+2: warm-up, measured) orders: per_s and queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import Compound, Issue, IssueCategory, Organization, User
    from deliberation.services.issues import report_issue
    from deliberation.services.work_orders import add_progress
    from workflows import intake
    from workflows.work_orders import perform

    tuanjie = Compound.objects.select_related("community", "property_provider").get(name="团结公寓")
    firm = tuanjie.property_provider
    assert firm is not None
    reporter, juwei, wuye = (User.objects.get(username=u) for u in ("jumin", "juwei", "wuye"))
    category = IssueCategory.objects.get(code="repair")
    helpers = [
        Organization.objects.get_or_create(
            name=f"协作单位{i}（压测）",
            defaults={
                "kind": Organization.Kind.PROPERTY_FIRM,
                "subdistrict_id": firm.subdistrict_id,
            },
        )[0]
        for i in range(parties - 1)
    ]
    issues = [
        report_issue(
            actor=reporter,
            channel=Issue.Channel.WEB,
            description=f"压测工单 {parties}-{i}：楼道灯不亮（示例）",
            compound=tuanjie,
            category=category,
        )
        for i in range(count + 2)
    ]
    orders: list[Any] = []

    def dispatch(i: int) -> None:
        orders.append(
            intake.triage(
                issues[i], "dispatch", actor=juwei, responsible=firm, co_operating=helpers
            )
        )

    steps: dict[str, Callable[[int], Any]] = {
        "dispatch": dispatch,
        "accept": lambda i: perform(orders[i], "accept", actor=wuye),
        "progress": lambda i: add_progress(work_order=orders[i], actor=wuye, text=f"进展 {i}"),
        "complete": lambda i: perform(orders[i], "complete", actor=wuye, text=f"已修好 {i}"),
        "verify": lambda i: perform(orders[i], "verify", actor=juwei, approved=True),
    }
    out: dict[str, dict[str, float | int]] = {}
    for name in STEPS:
        step = steps[name]
        step(0)  # warm
        with CaptureQueriesContext(connection) as ctx:
            step(1)
        if os.environ.get("BENCH_SHOW_QUERIES"):
            for q in ctx.captured_queries:
                print(f"[{name}] {q['sql'][:300]}", file=sys.stderr)
        profiler = cProfile.Profile() if name == profile else None
        start = time.perf_counter()
        if profiler:
            profiler.enable()
        for i in range(2, count + 2):
            step(i)
        elapsed = time.perf_counter() - start
        if profiler:
            profiler.disable()
            stats = pstats.Stats(profiler, stream=sys.stderr)
            stats.sort_stats("cumulative").print_stats(60)
            stats.sort_stats("tottime").print_stats(30)
        out[name] = {"per_s": count / elapsed, "queries": len(ctx.captured_queries)}
    return out


def paper_ballots(count: int) -> dict[str, Any]:
    """The owners' vote's paper ballots (demo meeting of 团结公寓, voting): ``count``
    entries by the residents' committee, then each confirmed by the chair (double entry).
    The pending queue grows with every entry and is re-rendered with each, so the first and
    the last tenth are timed apart."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.demo.votes import MEETING_TITLE
    from deliberation.models import Ballot, OwnersVote, User
    from deliberation.services.votes import confirm_paper_ballot, enter_paper_ballot

    vote = OwnersVote.objects.get(title=MEETING_TITLE)
    juwei, chair = User.objects.get(username="juwei"), User.objects.get(username="yeweihui")
    matters = list(vote.matters.order_by("position"))
    voters = list(vote.voters.exclude(ballots__isnull=False).order_by("id"))
    slots = [(v, m) for v in voters for m in matters][: count + 1]
    n = len(slots) - 1
    times: list[float] = []
    entered: list[Ballot] = []
    for i, (voter, matter) in enumerate(slots):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            entered.append(
                enter_paper_ballot(actor=juwei, matter=matter, voter=voter, choice="agree")
            )
            times.append(time.perf_counter() - t0)
        if i == 1:
            enter_queries = len(ctx.captured_queries)
    confirm_times: list[float] = []
    for i, ballot in enumerate(entered):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            confirm_paper_ballot(actor=chair, ballot=ballot, choice="agree")
            confirm_times.append(time.perf_counter() - t0)
        if i == 1:
            confirm_queries = len(ctx.captured_queries)
    tenth = max(1, n // 10)
    times, confirm_times = times[1:], confirm_times[1:]  # the first ones warm up
    return {
        "ballots": n,
        "enter_per_s": n / sum(times),
        "enter_queries": enter_queries,
        "enter_first_ms": sum(times[:tenth]) / tenth * 1e3,
        "enter_last_ms": sum(times[-tenth:]) / tenth * 1e3,
        "confirm_per_s": n / sum(confirm_times),
        "confirm_queries": confirm_queries,
        "confirm_first_ms": sum(confirm_times[:tenth]) / tenth * 1e3,
        "confirm_last_ms": sum(confirm_times[-tenth:]) / tenth * 1e3,
    }


def hotline_import(rows: int) -> dict[str, Any]:
    """The 12345 import of ``rows`` calls: staging (read, validate, preview) as the upload
    request does it, then the job (``import_hotline``) run here to the end, as a worker
    would; queries per row from one chunk."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import HotlineImport, User
    from deliberation.services.hotline import (
        confirm_hotline_import,
        import_next_chunk,
        stage_hotline_file,
    )
    from deliberation.tasks.hotline import import_hotline
    from tests.channels.hotline_files import csv_bytes, good_row

    juwei = User.objects.get(username="juwei")
    content = csv_bytes([good_row(n, ticket=f"B-{rows}-{n:06d}") for n in range(1, rows + 1)])
    t0 = time.perf_counter()
    batch = stage_hotline_file(actor=juwei, name="bench.csv", content=content)
    staged = time.perf_counter() - t0
    # confirming queues the job (no worker here): it runs in this process, timed on its own
    batch = confirm_hotline_import(batch=batch, actor=juwei)
    with CaptureQueriesContext(connection) as ctx:
        chunk = import_next_chunk(batch=batch, actor=juwei)
    per_row = len(ctx.captured_queries) / max(1, chunk.processed)
    t0 = time.perf_counter()
    status = import_hotline(batch.pk)
    elapsed = time.perf_counter() - t0
    batch.refresh_from_db()
    assert status == HotlineImport.Status.DONE and batch.imported == rows, (status, batch)
    rest = rows - chunk.processed
    return {
        "rows": rows,
        "stage_s": staged,
        "import_s": elapsed * rows / max(1, rest),  # the first chunk was measured apart
        "rows_per_s": rest / elapsed,
        "queries_per_row": per_row,
    }


def run(
    count: int,
    parties: tuple[int, ...] = (3, 30),
    profile: str = "",
    *,
    ballots: int = 0,
    import_rows: int = 0,
) -> dict[str, Any]:
    """The notice yardstick, then the five steps with each number of parties; then, if
    asked, staff's bulk entry: paper ballots and a 12345 import."""
    notice = notice_rate(max(count, 10))
    rows = [{"parties": n, **work_order_steps(count, n, profile)} for n in parties]
    out: dict[str, Any] = {"count": count, "notice": notice, "work_orders": rows}
    if ballots:
        out["paper_ballots"] = paper_ballots(ballots)
    if import_rows:
        out["hotline_import"] = hotline_import(import_rows)
    return out


def for_plan(plan: Any) -> dict[str, Any]:
    """``python -m bench``'s phase: ``plan.transitions`` sets the size (10 quick, 200 full)."""
    full = plan.transitions >= 100
    if not full:  # ``--quick`` (make test): every measurement runs, a few seconds in all
        return run(1, ballots=5, import_rows=20)
    return run(plan.transitions // 5, ballots=200, import_rows=5000)


def target_rows(t: dict[str, Any]) -> list[dict[str, Any]]:
    """Each step at ≥ ½ the notice rate (fewest parties measured), and each step's queries
    equal at every number of parties."""
    if not t.get("work_orders"):
        return []
    notice = t["notice"]["per_s"]
    first = t["work_orders"][0]
    rows = []
    for name in STEPS:
        share = first[name]["per_s"] / notice
        rows.append(
            {
                "target": f"work order {name} ≥ ½ the notice rate ({first['parties']} parties)",
                "value": f"{share:.2f}",
                "met": share >= SHARE,
            }
        )
    counts = {r["parties"]: tuple(r[s]["queries"] for s in STEPS) for r in t["work_orders"]}
    rows.append(
        {
            "target": "queries per work-order step independent of the parties ("
            + " vs ".join(str(p) for p in counts)
            + ")",
            "value": " / ".join("-".join(str(q) for q in c) for c in counts.values()),
            "met": len(set(counts.values())) == 1,
        }
    )
    return rows


def markdown_lines(t: dict[str, Any]) -> list[str]:
    if not t.get("work_orders"):
        return []
    return [*_steps_lines(t), *_staff_lines(t)]


def _staff_lines(t: dict[str, Any]) -> list[str]:
    lines = []
    b = t.get("paper_ballots")
    if b:
        lines += [
            f"Paper ballots (owners' vote, {b['ballots']} entered then confirmed, serial on"
            f" PostgreSQL): entry **{b['enter_per_s']:.1f}/s** ({b['enter_queries']} queries;"
            f" {b['enter_first_ms']:.0f} ms each in the first tenth, {b['enter_last_ms']:.0f}"
            f" ms in the last), confirmation **{b['confirm_per_s']:.1f}/s**"
            f" ({b['confirm_queries']} queries; {b['confirm_first_ms']:.0f} →"
            f" {b['confirm_last_ms']:.0f} ms).",
            "",
        ]
    h = t.get("hotline_import")
    if h:
        lines += [
            f"12345 import of {h['rows']} rows: staging (the upload request: read, validate,"
            f" preview) **{h['stage_s']:.1f} s**; the job **{h['import_s']:.0f} s**"
            f" ({h['rows_per_s']:.1f} rows/s, {h['queries_per_row']:.1f} queries per row).",
            "",
        ]
    return lines


def _steps_lines(t: dict[str, Any]) -> list[str]:
    notice = t["notice"]
    head = " | ".join(f"{s}/s (queries)" for s in STEPS)
    return [
        f"Work-order steps (services + viewflow flows, serial on PostgreSQL, {t['count']}"
        " orders from reported issues per step); posting a notice in the same run: "
        f"**{notice['per_s']:.1f}/s**, {notice['queries']} queries. Share of the notice rate"
        " in brackets:",
        "",
        f"| parties involved | {head} |",
        "|---:|" + "---:|" * len(STEPS),
        *(
            f"| {r['parties']} | "
            + " | ".join(
                f"{r[s]['per_s']:.1f} ({r[s]['queries']} q, {r[s]['per_s'] / notice['per_s']:.2f})"
                for s in STEPS
            )
            + " |"
            for r in t["work_orders"]
        ),
        "",
    ]


def main() -> None:
    """Only this phase, on a PostgreSQL and Redis of its own with the demo world."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=40, help="orders per step")
    parser.add_argument("--parties", default="3,30", help="organizations involved, e.g. 3,30")
    parser.add_argument("--profile", choices=STEPS, default="", help="cProfile one step")
    parser.add_argument("--ballots", type=int, default=0, help="paper ballots to enter")
    parser.add_argument("--import-rows", type=int, default=0, help="12345 rows to import")
    args = parser.parse_args()
    from bench.environment import demo_world

    with demo_world():
        load = os.getloadavg()
        parties = tuple(int(p) for p in args.parties.split(",") if p)
        t = run(
            args.count,
            parties,
            args.profile,
            ballots=args.ballots,
            import_rows=args.import_rows,
        )
        t["load_avg"] = [load, os.getloadavg()]
        print(json.dumps(t, indent=2, ensure_ascii=False))
        print("\n".join(markdown_lines(t)))
        for r in target_rows(t):
            print(f"{r['target']}: {r['value']} {'met' if r['met'] else 'MISSED'}")


if __name__ == "__main__":
    main()
