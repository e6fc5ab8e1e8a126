"""The HTTP phase's pages (issue 14 §1): every main page, for a real user of the seeded demo
plus volume, with its throughput as a share of the trivial view measured in the same run.

Two ways to run it:

- inside ``python -m bench`` (``targets_for`` gives the URLs and cookies; ``markdown`` and
  ``target_rows`` the table and the targets), through Daphne at 32 clients;
- alone, ``python -m bench.pages --cpu`` (``DEBUG=1``, the SQLite file under ``var/``): CPU
  milliseconds per page through Django's test client, the quick way to profile a page
  (``--profile LABEL`` prints cProfile's top functions for one page).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Issue 14 §1: each page at least this share of the trivial view's requests/s …
MIN_SHARE = 1 / 3
#: … with its p99 at most this (ms), at 32 concurrent clients.
MAX_P99_MS = 500.0
TRIVIAL = "trivial view (/healthz/)"


@dataclass(frozen=True)
class Page:
    label: str
    username: str | None  # None: anonymous (the trivial view, public pages)
    path: Callable[[], str]  # resolved against the seeded database


def _compound() -> Any:
    from deliberation.models import Compound

    return Compound.objects.get(name="团结公寓")


def _issue() -> str:
    from deliberation.models import Issue

    # The demo resident's own issue in 团结公寓 (the one sent to the session: a full page).
    issue = (
        Issue.objects.filter(reporter__username="jumin", compound=_compound())
        .order_by("-pk")
        .first()
    )
    assert issue is not None
    return f"/issues/{issue.pk}/"


def _work_order() -> str:
    from deliberation.models import WorkOrder

    order = (
        WorkOrder.objects.filter(responsible=_compound().property_provider).order_by("-pk").first()
    )
    assert order is not None, "no work order for 团结公寓's firm (seed the volume)"
    return f"/work-orders/{order.pk}/"


def _session() -> str:
    from deliberation.demo.sessions import TITLE
    from deliberation.models import Session

    return f"/sessions/{Session.objects.get(title=TITLE).pk}/"


def _vote() -> str:
    from deliberation.models import OwnersVote

    vote = OwnersVote.objects.filter(compound=_compound()).order_by("-pk").first()
    assert vote is not None
    return f"/votes/{vote.pk}/"


PAGES: tuple[Page, ...] = (
    Page(TRIVIAL, None, lambda: "/healthz/"),
    Page("home (resident)", "jumin", lambda: "/"),
    Page("home: compounds list (subdistrict office)", "jiedao", lambda: "/"),
    Page("home: tasks + compounds (property firm)", "wuye", lambda: "/"),
    Page("issue page (resident, own issue)", "jumin", _issue),
    Page("issue list (resident)", "jumin", lambda: "/issues/"),
    Page("inbox: work orders (property firm)", "wuye", lambda: "/inbox/"),
    Page("inbox: triage queue (residents' committee)", "juwei", lambda: "/inbox/"),
    Page("task list (residents' committee)", "juwei", lambda: "/tasks/"),
    Page("work order (property firm)", "wuye", _work_order),
    Page("session room (party secretary)", "shuji", _session),
    Page("vote page (resident owner)", "jumin", _vote),
    Page("indicators (subdistrict office)", "jiedao", lambda: "/indicators/"),
    Page("compound page (resident)", "jumin", lambda: f"/compounds/{_compound().pk}/"),
    Page("public: subdistrict", None, lambda: "/public/"),
    Page("public: compound", None, lambda: f"/public/compounds/{_compound().pk}/"),
)


def targets_for(session_cookie: Callable[[Any], str]) -> list[tuple[str, str, str | None]]:
    """(label, path, cookie) per page; one session per user, as a browser keeps one."""
    from deliberation.models import User

    cookies: dict[str, str] = {}
    out: list[tuple[str, str, str | None]] = []
    for page in PAGES:
        cookie = None
        if page.username:
            if page.username not in cookies:
                cookies[page.username] = session_cookie(User.objects.get(username=page.username))
            cookie = cookies[page.username]
        out.append((page.label, page.path(), cookie))
    return out


async def warm(port: int, path: str, cookie: str | None, times: int = 2) -> None:
    """A few requests before a page's measured run: its templates compile and its code
    paths load on the first requests, which in a short (``--quick``) run would otherwise
    be all the run measures."""
    import asyncio

    from bench.httpload import _read_response

    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
    if cookie:
        request += f"Cookie: {cookie}\r\n"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for _ in range(times):
            writer.write((request + "\r\n").encode())
            await _read_response(reader)
    finally:
        writer.close()


def _trivial_rps(http: list[dict[str, Any]]) -> float:
    return next((h["rps"] for h in http if h["page"] == TRIVIAL), 0.0)


def target_rows(out: dict[str, Any]) -> list[dict[str, Any]]:
    """One target per page: ≥ 1/3 of the trivial view's requests/s and p99 ≤ 500 ms."""
    http = out.get("http") or []
    trivial = _trivial_rps(http)
    rows: list[dict[str, Any]] = []
    for h in http:
        if h["page"] == TRIVIAL or not trivial:
            continue
        share = h["rps"] / trivial
        rows.append(
            {
                "target": f"{h['page']}: ≥ 1/3 of the trivial view, p99 ≤ {MAX_P99_MS:g} ms"
                f" ({h['concurrency']} clients)",
                "value": f"{share:.2f}, {h['p99_ms']:.0f} ms",
                "met": share >= MIN_SHARE and h["p99_ms"] <= MAX_P99_MS and not h["errors"],
            }
        )
    return rows


def markdown(out: dict[str, Any]) -> list[str]:
    http = out.get("http") or []
    trivial = _trivial_rps(http) or 1.0
    return [
        "| page | path | concurrency | requests/s | share of trivial | p50 ms | p99 ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
        *(
            f"| {h['page']} | `{h['path']}` | {h['concurrency']} | {h['rps']:.0f} "
            f"| {h['rps'] / trivial:.2f} | {h['p50_ms']:.1f} | {h['p99_ms']:.1f} "
            f"| {h['errors']} |"
            for h in http
        ),
    ]


# --- alone: CPU per page through the test client ----------------------------------------


def _clients() -> dict[str | None, Any]:
    from django.test import Client

    from deliberation.models import User

    clients: dict[str | None, Any] = {}
    for page in PAGES:
        if page.username not in clients:
            c = Client(HTTP_HOST="localhost")
            if page.username:
                c.force_login(User.objects.get(username=page.username))
            clients[page.username] = c
    return clients


def cpu(repeat: int, only: str | None = None) -> list[dict[str, Any]]:
    """CPU ms per request (process time, mean of ``repeat`` after one warm-up) and queries."""
    from django.db import connection

    clients = _clients()
    seen: list[str] = []

    def count(execute: Any, sql: str, *a: Any) -> Any:
        seen.append(sql)
        return execute(sql, *a)

    rows = []
    for page in PAGES:
        if only and only not in page.label:
            continue
        client, path = clients[page.username], page.path()
        r = client.get(path, secure=True)
        if r.status_code != 200:
            raise RuntimeError(f"{page.label}: {path} answered {r.status_code}")
        seen.clear()
        with connection.execute_wrapper(count):
            client.get(path, secure=True)
        start = time.process_time()
        for _ in range(repeat):
            client.get(path, secure=True)
        ms = (time.process_time() - start) / repeat * 1000
        rows.append(
            {
                "page": page.label,
                "path": path,
                "cpu_ms": ms,
                "queries": len(seen),
                "kb": len(r.content) / 1024,
            }
        )
    return rows


def profile(label: str, repeat: int) -> None:
    import cProfile
    import pstats

    clients = _clients()
    page = next(p for p in PAGES if label in p.label)
    client, path = clients[page.username], page.path()
    client.get(path, secure=True)
    prof = cProfile.Profile(time.process_time)  # CPU, not wall: the machine is shared
    prof.enable()
    for _ in range(repeat):
        client.get(path, secure=True)
    prof.disable()
    stats = pstats.Stats(prof, stream=sys.stdout)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cpu", action="store_true", help="CPU ms per page (test client)")
    parser.add_argument("--only", help="pages whose label contains this")
    parser.add_argument("--profile", metavar="LABEL", help="cProfile one page")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seed", action="store_true", help="add the bench volume first")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "project.settings")
    import django

    django.setup()
    if args.seed:
        from bench.seed import seed_volume

        print(seed_volume(units=100, announcements=200, events=200, issues=1000))
    if args.profile:
        profile(args.profile, args.repeat)
        return
    rows = cpu(args.repeat, args.only)
    print(f"load average {os.getloadavg()}")
    print("| page | path | CPU ms | queries | KiB |")
    print("|---|---|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['page']} | `{r['path']}` | {r['cpu_ms']:.1f} | {r['queries']} | {r['kb']:.0f} |"
        )


if __name__ == "__main__":
    main()
