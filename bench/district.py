"""``python -m bench.district [--scale F]``: a whole district on PostgreSQL, and every list
page measured against it (issue 14, part 4; the figures are in ``docs/scaling.md``).

At ``--scale 1``: 40 subdistricts, 2,000 compounds, 500,000 units (250,000 residents),
1,000,000 issues (with their work orders) and 10,000,000 outbox events, on top of the demo.
Everything is written with ``COPY`` (psycopg's ``cursor.copy()``), table by table, with ids
allocated here so the rows can point at each other; no ORM save runs per row. The demo's
own compounds get their share of the issues (so the demo's users, whose pages we measure,
see a compound, a firm and a residents' committee of district size) and the demo's users
are the ones measured: :func:`measure_pages` runs the main list pages in-process with the
Django test client and records the query count, the time, and ``EXPLAIN (ANALYZE,
BUFFERS)`` of every list query.

:func:`seed_district` takes the connection Django already has, so the test suite runs it
at a tiny scale on its own database (``tests/bench/test_district.py``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"

#: ``--scale 1``.
FULL = {
    "subdistricts": 40,
    "compounds": 2000,
    "units": 500_000,
    "issues": 1_000_000,
    "events": 10_000_000,
}
COMPOUNDS_PER_COMMUNITY = 5
COMPOUNDS_PER_FIRM = 10
UNITS_PER_BUILDING = 50
UNITS_PER_RESIDENT = 2  # one resident account for every two units
WORK_ORDER_STATUS = {  # issue status -> its work order's status (None: no order)
    "new": None,
    "awaiting_session": None,
    "dispatched": "dispatched",
    "in_progress": "in_progress",
    "resolved": "completed",
    "closed": "closed",
}
#: Issue statuses by share (out of 20): most issues of a district are old and closed.
STATUS_MIX = ["new", "awaiting_session"] + ["dispatched"] * 2 + ["in_progress", "resolved"]
STATUS_MIX += ["closed"] * (20 - len(STATUS_MIX))
HISTORY_DAYS = 730  # issues spread over two years
#: Only the last two months hold open work (STATUS_MIX); older issues are closed, as in a
#: district that keeps up. At a tiny scale the newest 400 issues are "recent" anyway, so
#: every list has rows of every status.
OPEN_DAYS = 60
EVENT_DAYS = 30  # events over a month (the outbox keeps YISHI_OUTBOX_KEEP_DAYS of them)


@dataclass(frozen=True)
class District:
    subdistricts: int
    communities: int
    firms: int
    compounds: int
    buildings_per_compound: int
    units: int
    issues: int
    events: int

    @classmethod
    def at(cls, scale: float) -> District:
        def n(key: str, least: int) -> int:
            return max(least, round(FULL[key] * scale))

        compounds = n("compounds", 2)
        units = n("units", compounds * 4)
        return cls(
            subdistricts=n("subdistricts", 1),
            communities=max(1, compounds // COMPOUNDS_PER_COMMUNITY),
            firms=max(1, compounds // COMPOUNDS_PER_FIRM),
            compounds=compounds,
            buildings_per_compound=max(1, math.ceil(units / compounds / UNITS_PER_BUILDING)),
            units=units,
            issues=n("issues", 20),
            events=n("events", 100),
        )


class Ids:
    """Ids handed out here, above what a table holds; the sequence is moved past them."""

    def __init__(self, cursor: Any, table: str) -> None:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 (our names)
        self.table = table
        self.next = int(cursor.fetchone()[0]) + 1

    def take(self, n: int) -> range:
        start, self.next = self.next, self.next + n
        return range(start, start + n)


def copy_rows(
    cursor: Any, model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """``COPY`` ``rows`` (values for ``columns``, attribute names) into ``model``'s table.
    Every other NOT NULL column gets the field's default, converted once; auto-now dates get
    now. Moves the id sequence past the largest id written."""
    from django.db import connection
    from django.utils import timezone

    meta = model._meta
    now = timezone.now()
    extra: dict[str, Any] = {}
    for field in meta.concrete_fields:
        if field.attname in columns or field.null or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        extra[field.column] = field.get_db_prep_save(value, connection)
    names = [meta.get_field(c).column if c != "id" else "id" for c in columns] + list(extra)
    tail = tuple(extra.values())
    count = 0
    sql = f"COPY {meta.db_table} ({', '.join(names)}) FROM STDIN"
    with cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row((*row, *tail))
            count += 1
    if "id" in columns:
        table = meta.db_table
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
        )
    return count


def seed_district(
    scale: float, *, seed: int = 14, log: Callable[[str], None] = print
) -> dict[str, Any]:
    """The demo (if absent) plus a district of ``scale`` × ``FULL``; returns the row counts
    and how long each table took. Runs on Django's connection (its transaction, if any)."""
    from django.db import connection
    from django.utils import timezone

    from deliberation import models as m
    from deliberation.demo.tuanjiehu import seed as seed_demo

    if not m.Compound.objects.filter(name="团结公寓").exists():
        seed_demo()
    plan = District.at(scale)
    rng = random.Random(seed)
    now = timezone.now()
    took: dict[str, float] = {}
    counts: dict[str, int] = {}
    categories = list(m.IssueCategory.objects.values_list("id", flat=True)) or [None]
    demo_compounds = list(m.Compound.objects.values_list("id", "property_provider_id"))

    connection.ensure_connection()
    with connection.cursor() as wrapper:
        cur = wrapper.cursor  # psycopg's own cursor: .copy()

        def step(name: str, model: Any, columns: Sequence[str], rows: Iterable[Any]) -> None:
            started = time.perf_counter()
            counts[name] = counts.get(name, 0) + copy_rows(cur, model, columns, rows)
            took[name] = took.get(name, 0.0) + time.perf_counter() - started
            log(f"  {name}: {counts[name]:,} rows, {took[name]:.1f} s")

        ids = {t: Ids(cur, t._meta.db_table) for t in (
            m.Subdistrict, m.Community, m.Organization, m.Compound, m.Building, m.Unit,
            m.User, m.Residency, m.Membership, m.Issue, m.WorkOrder,
        )}  # fmt: skip

        # Places and who answers for them: a subdistrict office each, a residents'
        # committee per community, a property firm per ten compounds (in one subdistrict).
        # The demo's subdistrict is one of them (its office sees a district-sized share).
        demo_sub = m.Subdistrict.objects.order_by("id").values_list("id", flat=True).first()
        new_subs = list(ids[m.Subdistrict].take(plan.subdistricts - (demo_sub is not None)))
        subdistricts = ([demo_sub] if demo_sub is not None else []) + new_subs
        step("subdistricts", m.Subdistrict, ["id", "name"], ((s, f"模拟街道{s}") for s in new_subs))
        org_ids = ids[m.Organization]
        offices = {s: org_ids.take(1)[0] for s in new_subs}
        communities = list(ids[m.Community].take(plan.communities))
        community_sub = {
            c: subdistricts[i * len(subdistricts) // len(communities)]
            for i, c in enumerate(communities)
        }
        committees = {c: org_ids.take(1)[0] for c in communities}
        compounds = list(ids[m.Compound].take(plan.compounds))
        compound_community = {
            c: communities[i // COMPOUNDS_PER_COMMUNITY % len(communities)]
            for i, c in enumerate(compounds)
        }
        firm_of: dict[int, int] = {}
        firms: dict[int, int] = {}  # firm -> subdistrict
        firm, firm_sub = 0, 0
        for i, c in enumerate(compounds):
            sub = community_sub[compound_community[c]]
            if i % COMPOUNDS_PER_FIRM == 0 or sub != firm_sub:
                firm, firm_sub = org_ids.take(1)[0], sub
                firms[firm] = sub
            firm_of[c] = firm
        orgs: list[tuple[Any, ...]] = []
        orgs += [
            (o, f"模拟街道办事处{o}", "subdistrict_office", s, None) for s, o in offices.items()
        ]
        orgs += [(o, f"模拟物业公司{o}", "property_firm", s, None) for o, s in firms.items()]
        step(
            "organizations",
            m.Organization,
            ["id", "name", "kind", "subdistrict_id", "community_id"],
            orgs,
        )
        step(
            "communities",
            m.Community,
            ["id", "subdistrict_id", "name"],
            ((c, community_sub[c], f"模拟社区{c}") for c in communities),
        )
        step(
            "organizations",
            m.Organization,
            ["id", "name", "kind", "subdistrict_id", "community_id"],
            (
                (o, f"模拟社区居委会{o}", "residents_committee", community_sub[c], c)
                for c, o in committees.items()
            ),
        )
        cur.execute(
            "UPDATE deliberation_community SET residents_committee_id = v.org "
            "FROM unnest(%s::bigint[], %s::bigint[]) AS v(community, org) WHERE id = v.community",
            (list(committees), list(committees.values())),
        )
        units_per_compound = plan.units // plan.compounds
        step(
            "compounds",
            m.Compound,
            [
                "id",
                "community_id",
                "name",
                "category",
                "management_mode",
                "property_provider_id",
                "households",
            ],
            (
                (
                    c,
                    compound_community[c],
                    f"模拟小区{c}",
                    "commercial",
                    "market_firm",
                    firm_of[c],
                    units_per_compound,
                )
                for c in compounds
            ),
        )

        # Buildings, units and one resident per two units.
        per_building = math.ceil(units_per_compound / plan.buildings_per_compound)
        buildings: list[tuple[int, int]] = []  # (building, compound)
        for c in compounds:
            buildings += [(b, c) for b in ids[m.Building].take(plan.buildings_per_compound)]
        step(
            "buildings",
            m.Building,
            ["id", "compound_id", "name"],
            (
                (b, c, f"{i % plan.buildings_per_compound + 1}号楼")
                for i, (b, c) in enumerate(buildings)
            ),
        )
        unit_rows: list[tuple[int, int]] = []  # (unit, compound)
        area = Decimal("63.50")

        def units() -> Iterator[tuple[Any, ...]]:
            for b, c in buildings:
                for u in range(per_building):
                    unit = ids[m.Unit].take(1)[0]
                    unit_rows.append((unit, c))
                    yield unit, b, f"{u // 4 + 1}{u % 4 + 1:02d}", area

        step("units", m.Unit, ["id", "building_id", "number", "exclusive_area"], units())
        residents = list(ids[m.User].take(len(unit_rows) // UNITS_PER_RESIDENT))
        staff = list(ids[m.User].take(len(firms) + len(committees)))
        step(
            "users",
            m.User,
            ["id", "username", "display_name", "password"],
            ((u, f"d{u}", f"模拟居民{u}", "!") for u in residents + staff),
        )
        resident_of: dict[int, list[int]] = {}  # compound -> residents
        step(
            "residencies",
            m.Residency,
            ["id", "user_id", "unit_id", "relation"],
            (
                (ids[m.Residency].take(1)[0], u, unit_rows[i * UNITS_PER_RESIDENT][0], "occupant")
                for i, u in enumerate(residents)
            ),
        )
        for i, u in enumerate(residents):
            resident_of.setdefault(unit_rows[i * UNITS_PER_RESIDENT][1], []).append(u)
        step(
            "memberships",
            m.Membership,
            ["id", "user_id", "organization_id", "role"],
            (
                (ids[m.Membership].take(1)[0], u, o, "staff")
                for u, o in zip(staff, [*firms, *committees.values()], strict=True)
            ),
        )
        unit_rows.clear()

        # Issues in every compound, the demo's too (by phone: the demo's people keep their
        # own short lists), and a work order for each dispatched one.
        pool = [(c, firm_of[c]) for c in compounds] + demo_compounds
        orders: list[tuple[Any, ...]] = []
        span = HISTORY_DAYS * 86400

        recent = max(round(plan.issues * OPEN_DAYS / HISTORY_DAYS), min(plan.issues, 400))

        def issues() -> Iterator[tuple[Any, ...]]:
            for i, issue in enumerate(ids[m.Issue].take(plan.issues)):
                compound, firm = pool[i % len(pool)]
                # Each compound's recent issues go round the statuses: none is missing.
                status = STATUS_MIX[i // len(pool) % 20] if i >= plan.issues - recent else "closed"
                status = status if firm else "new"
                created = now - timedelta(
                    seconds=span * (1 - i / plan.issues) + rng.randrange(3600)
                )
                people = resident_of.get(compound)
                reporter = people[rng.randrange(len(people))] if people else None
                category = categories[rng.randrange(len(categories))]
                closed = created + timedelta(days=3) if status == "closed" else None
                resolved = created + timedelta(days=2) if status in ("resolved", "closed") else None
                responsible = firm if WORK_ORDER_STATUS[status] else None
                yield (
                    issue, reporter, "" if reporter else "来电居民", "web" if reporter else "phone",
                    category, f"模拟问题 {issue}：楼道灯不亮", compound, status,
                    "fixed" if closed else "", responsible, created, created, closed, resolved,
                    created if responsible else None,
                )  # fmt: skip
                order_status = WORK_ORDER_STATUS[status]
                if order_status:
                    orders.append((
                        ids[m.WorkOrder].take(1)[0], firm, f"模拟工单 {issue}", "楼道灯不亮",
                        compound, issue, category, order_status, created + timedelta(days=1),
                        created + timedelta(days=3), created, created, closed,
                    ))  # fmt: skip

        step(
            "issues",
            m.Issue,
            ["id", "reporter_id", "reporter_name", "channel", "category_id", "description",
             "compound_id", "status", "closure_reason", "responsible_id", "created_at",
             "updated_at", "closed_at", "resolved_at", "triaged_at"],
            issues(),
        )  # fmt: skip
        step(
            "work_orders",
            m.WorkOrder,
            ["id", "responsible_id", "title", "description", "compound_id", "issue_id",
             "category_id", "status", "respond_by", "resolve_by", "created_at", "updated_at",
             "closed_at"],
            orders,
        )  # fmt: skip
        order_ids = [o[0] for o in orders[-10_000:]] or [0]
        orders.clear()

        # The outbox: a month of events on the topics pages follow, published.
        html = json.dumps(  # jsonb from its text: dumped once, not per row
            {
                "zh-hans": '<div id="x" hx-swap-oob="true">模拟</div>',
                "en": '<div id="x" hx-swap-oob="true">sim</div>',
            },
            ensure_ascii=False,
        )
        last_issue = ids[m.Issue].next - 1
        topics: list[Callable[[int], str]] = [
            lambda r: f"issue:{last_issue - r % 10_000}:staff",
            lambda r: f"work_order:{order_ids[r % len(order_ids)]}:staff",
            lambda r: f"compound:{pool[r % len(pool)][0]}:public",
            lambda r: f"org:{pool[r % len(pool)][1] or 0}:inbox",
            lambda r: f"user:{residents[r % len(residents)] if residents else 0}:home",
        ]
        ev_span = EVENT_DAYS * 86400

        def events() -> Iterator[tuple[Any, ...]]:
            for i in range(plan.events):
                at = now - timedelta(seconds=ev_span * (1 - i / plan.events))
                r = rng.randrange(1 << 30)
                yield topics[r % len(topics)](r >> 3), "district.history", html, at, at

        # The demo's own events predate the month of history (ids follow time, as in life).
        m.Event.objects.update(created_at=now - timedelta(days=EVENT_DAYS + 1))
        step("events", m.Event, ["topic", "kind", "html", "created_at", "published_at"], events())
        cur.execute("ANALYZE")
    return {
        "scale": scale,
        "plan": asdict(plan),
        "rows": counts,
        "seconds": {k: round(v, 1) for k, v in took.items()},
    }


# --- the pages, measured against it ---------------------------------------------------------

#: (label, username or None, URL builder): the main list pages and fragments of
#: ``tests/hardening/budgets.py``, as the demo's people see them.
PAGES: list[tuple[str, str | None, Callable[[int], str]]] = [
    ("home (resident)", "jumin", lambda t: _url("home")),
    ("home (property firm)", "wuye", lambda t: _url("home")),
    ("home (subdistrict office)", "jiedao", lambda t: _url("home")),
    ("compound page (resident)", "jumin", lambda t: _url("compound-detail", t)),
    ("notices (resident)", "jumin", lambda t: _url("compound-notices", t)),
    ("votes (resident)", "jumin", lambda t: _url("compound-votes", t)),
    ("issue list (resident)", "jumin", lambda t: _url("issue-list")),
    ("issue list (residents' committee)", "juwei", lambda t: _url("issue-list")),
    ("inbox (property firm)", "wuye", lambda t: _url("inbox")),
    ("inbox (residents' committee)", "juwei", lambda t: _url("inbox")),
    ("inbox (supervision)", "dudao", lambda t: _url("inbox")),
    ("work orders (property firm)", "wuye", lambda t: _url("work-order-list")),
    (
        "work orders, dispatched (committee)",
        "juwei",
        lambda t: _url("work-order-list") + "?status=dispatched",
    ),
    (
        "work orders, search + mine (office)",
        "jiedao",
        lambda t: _url("work-order-list") + "?q=o&mine=1",
    ),
    ("sessions (party secretary)", "shuji", lambda t: _url("session-list")),
    ("escalations (supervision)", "dudao", lambda t: _url("escalation-history")),
    ("indicators (subdistrict office)", "jiedao", lambda t: _url("indicators")),
    ("public: subdistrict", None, lambda t: _url("public-subdistrict")),
    ("public: compound", None, lambda t: _url("public-compound", t)),
    ("public: compound figures", None, lambda t: _url("public-figures", t)),
    ("Open311 requests.json", None, lambda t: "/open311/v2/requests.json"),
]


def _url(name: str, *args: int) -> str:
    from django.urls import reverse

    return reverse(name, args=list(args))


#: A query is "slow" past this (ms, EXPLAIN ANALYZE): it gets its plan in the report.
SLOW_QUERY_MS = 20.0


def _urls() -> dict[str, str]:
    from deliberation.models import Compound

    tuanjie = Compound.objects.get(name="团结公寓").pk
    return {label: url(tuanjie) for label, _user, url in PAGES}


def _explain(sql: str) -> dict[str, Any]:
    """``EXPLAIN (ANALYZE, BUFFERS)`` of one captured query: its time, the buffers it read,
    and every sequential scan of a table with more than 10,000 rows."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql)
        plan = cur.fetchone()[0][0]
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        text = "\n".join(r[0] for r in cur.fetchall())
    seq: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if (
            node.get("Node Type") == "Seq Scan"
            and node.get("Plan Rows", 0) + node.get("Rows Removed by Filter", 0) > 10_000
        ):
            seq.append(node.get("Relation Name", "?"))
        for child in node.get("Plans", []):
            walk(child)

    walk(plan["Plan"])
    top = plan["Plan"]
    return {
        "ms": round(plan["Execution Time"] + plan.get("Planning Time", 0), 2),
        "buffers": top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0),
        "seq_scans": seq,
        "plan": text,
    }


def measure_pages(*, repeat: int = 3, explain: bool = True) -> list[dict[str, Any]]:
    """Every page of ``PAGES`` as its user: status, queries, median time of ``repeat``
    requests (after one warming request) and, with ``explain``, each query's plan."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from deliberation.models import User

    paths = _urls()
    clients: dict[str | None, Client] = {}
    results: list[dict[str, Any]] = []
    for label, username, _url in PAGES:
        if username not in clients:
            clients[username] = Client()
            if username:
                clients[username].force_login(User.objects.get(username=username))
        client, path = clients[username], paths[label]
        client.get(path)  # warm: first-request caches
        times: list[float] = []
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        row: dict[str, Any] = {
            "page": label,
            "path": path,
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "ms": round(sorted(times)[len(times) // 2], 1),
            "bytes": len(response.content),
        }
        if explain:
            plans = [
                {"sql": q["sql"], **_explain(q["sql"])}
                for q in ctx.captured_queries
                if q["sql"].lstrip().upper().startswith("SELECT")
            ]
            row["sql_ms"] = round(sum(p["ms"] for p in plans), 1)
            row["slowest"] = max(plans, key=lambda p: p["ms"]) if plans else None
            row["seq_scans"] = sorted({t for p in plans for t in p["seq_scans"]})
            row["slow_queries"] = [p for p in plans if p["ms"] > SLOW_QUERY_MS or p["seq_scans"]]
        results.append(row)
    return results


def measure_outbox() -> dict[str, Any]:
    """The replay of a reconnecting page and the pruning job, on the full outbox."""
    from django.conf import settings
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deliberation.live.outbox import events_after, prune_events, pruned_past
    from deliberation.models import Event

    out: dict[str, Any] = {"events_before": Event.objects.count()}
    last = Event.objects.order_by("-id").values_list("id", "topic")[:1][0]
    topics = [last[1], "compound:1:public", "org:1:inbox"]
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        events_after(topics, last[0] - 5000)
        pruned_past(last[0] - 5000)
        out["replay_ms"] = round((time.perf_counter() - started) * 1000, 1)
    out["replay_queries"] = [{"sql": q["sql"], **_explain(q["sql"])} for q in ctx.captured_queries]
    # One night's run in steady state: the oldest day of the month goes.
    oldest = Event.objects.filter(kind="district.history").order_by("id").first()
    assert oldest is not None
    night = oldest.created_at + timedelta(days=settings.YISHI_OUTBOX_KEEP_DAYS + 1)
    started = time.perf_counter()
    out["pruned"] = prune_events(now=night)
    out["prune_s"] = round(time.perf_counter() - started, 1)
    out["keep_days"] = settings.YISHI_OUTBOX_KEEP_DAYS
    out["events_after"] = Event.objects.count()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_total_relation_size('deliberation_event')")
        out["table_bytes_after"] = cur.fetchone()[0]
    return out


def table_sizes() -> dict[str, int]:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, pg_total_relation_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = 'r' "
            "ORDER BY 2 DESC LIMIT 12"
        )
        return {name: size for name, size in cur.fetchall()}


def markdown(out: dict[str, Any]) -> str:
    before = {r["page"]: r for r in out["pages_demo"]}
    lines = [
        f"### District run, scale {out['scale']} ({out['started']})",
        "",
        f"`{out['command']}` — {out['machine']}; load average {out['load_start']} at the "
        f"start, {out['load_end']} at the end. Seeded in {out['seed_s']:.0f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in out["district"]["rows"].items())
        + ".",
        "",
        "| page | status | queries demo → district | ms demo → district | SQL ms (district) "
        "| seq scans > 10k rows |",
        "|---|---|---|---|---|---|",
    ]
    for r in out["pages_district"]:
        b = before.get(r["page"], {})
        lines.append(
            f"| {r['page']} | {r['status']} | {b.get('queries', '?')} → {r['queries']} "
            f"| {b.get('ms', '?')} → {r['ms']} | {r.get('sql_ms', '')} "
            f"| {', '.join(r.get('seq_scans', [])) or '—'} |"
        )
    o = out["outbox"]
    lines += [
        "",
        f"Outbox: {o['events_before']:,} events; a reconnecting page's replay "
        f"{o['replay_ms']} ms; one night's pruning (the oldest day, "
        f"`YISHI_OUTBOX_KEEP_DAYS={o['keep_days']:g}`) removed {o['pruned']:,} "
        f"in {o['prune_s']} s, leaving {o['events_after']:,} "
        f"({o['table_bytes_after'] / 2**20:.0f} MiB with indexes, before VACUUM).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scale", type=float, default=1.0, help="share of FULL (1 = 2,000 compounds)"
    )
    parser.add_argument("--json", type=Path, help="write the results here (default var/bench/)")
    parser.add_argument("--markdown", type=Path, help="append the Markdown table to this file")
    args = parser.parse_args()
    from bench.environment import start_django
    from bench.report import machine
    from tests.plugins.services import PostgresServer

    started = time.time()
    load_start = os.getloadavg()
    pg = PostgresServer()
    pg.start()
    try:
        start_django(pg, None, hosts="testserver,127.0.0.1,localhost")
        from deliberation.demo.tuanjiehu import seed as seed_demo

        seed_demo()
        pages_demo = measure_pages(explain=False)
        t0 = time.perf_counter()
        district = seed_district(args.scale, log=lambda s: print(s, flush=True))
        seed_s = time.perf_counter() - t0
        print(f"seeded in {seed_s:.0f} s", flush=True)
        sizes = table_sizes()
        pages = measure_pages()
        outbox = measure_outbox()
    finally:
        pg.stop()
    out = {
        "scale": args.scale,
        "command": "python -m bench.district " + " ".join(sys.argv[1:]),
        "started": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started)),
        "machine": f"{os.cpu_count()} cores, {machine().get('cpu_model', '')}".strip(", "),
        "load_start": " ".join(f"{x:.1f}" for x in load_start),
        "load_end": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "seed_s": seed_s,
        "district": district,
        "table_bytes": sizes,
        "pages_demo": pages_demo,
        "pages_district": pages,
        "outbox": outbox,
    }
    path = args.json or LOGS / f"district-{args.scale:g}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2, ensure_ascii=False, default=str))
    table = markdown(out)
    print(table)
    if args.markdown:
        with open(args.markdown, "a") as f:
            f.write("\n" + table)


if __name__ == "__main__":
    main()
