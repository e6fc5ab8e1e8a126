"""Which ASGI server runs Yishi in production, chosen by measurement (issue 14 §3).

The same application (``bench.probe:application``: Yishi with the benchmark's counters) under
Daphne, uvicorn (uvloop, httptools, websockets' sans-I/O protocol) and granian, each as we
deploy it: one process per port (a systemd unit per port, ``deploy/systemd/yishi-web@.service``)
and, for several processes, nginx in front with the repository's own proxy settings
(``deploy/nginx/yishi-proxy.conf``, started as the cluster check starts it). Measured, side by
side in one run:

- HTTP: ``/healthz/`` (no database, no session) and the resident's issue list at 32 concurrent
  keep-alive connections (``bench/httpload.py``), one process directly and two behind nginx.
  The servers take turns in short rounds, so the other work on the shared machine weighs on
  all of them alike; besides requests/s, the server processes' own CPU per request, which
  that other work disturbs far less.
- Websockets: commit → receipt of real work-order transitions at ``clients`` sockets (the live
  phase's pieces: a fresh pool of orders, the driver, the swarm), one process and two behind
  nginx.

``python -m bench.servers [--quick]`` runs this phase alone (its own PostgreSQL, Redis and a
small seed); ``python -m bench`` runs it after the live phases. The quick mode (``make test``)
starts one process of each server while the earlier phases run, then loads them all at once
and drives one short run for all of them from the benchmark's own process: it proves the
phase works, not which server is faster.
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.driver import split_pool
from bench.httpload import load
from bench.swarm import Swarm, Target, delivery_stats
from tests.plugins.services import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var" / "bench"
APP = "bench.probe:application"

#: The server production runs (deploy/systemd/yishi-web@.service, the cluster check, the
#: benchmark's workers), chosen by this comparison: docs/benchmarks.md, "the server: Daphne kept".
PRODUCTION = "daphne"
KINDS = ("daphne", "uvicorn", "granian")
LABELS = {"daphne": "Daphne", "uvicorn": "uvicorn", "granian": "granian"}


def command(kind: str, port: int, app: str = APP) -> list[str]:
    """How each server is started, with the options that make them comparable: no proxy
    headers taken by the server (Django reads them: project/client_address.py,
    SECURE_PROXY_SSL_HEADER), no per-message compression of websockets (Daphne offers none;
    compressing every push for every socket costs CPU per client), no access log."""
    host, p = "127.0.0.1", str(port)
    if kind == "daphne":
        # A socket's handshake checks every topic against the policy (one query each): with
        # a thousand clients opening 10–20 topics at once, Daphne's default handshake
        # timeout drops some; a proxy would wait longer too.
        return [
            *(sys.executable, "-m", "daphne", "-b", host, "-p", p),
            # -v 0: no access log (the others write none either; nginx keeps one).
            *("-v", "0", "--websocket_connect_timeout", "60", app),
        ]
    if kind == "uvicorn":
        return [
            *(sys.executable, "-m", "uvicorn", "--host", host, "--port", p),
            *("--loop", "uvloop", "--http", "httptools", "--ws", "websockets-sansio"),
            *("--ws-per-message-deflate", "false", "--no-proxy-headers", "--lifespan", "off"),
            *("--no-access-log", "--log-level", "warning", "--timeout-graceful-shutdown", "10"),
            app,
        ]
    if kind == "granian":
        return [
            *(sys.executable, "-m", "granian", "--interface", "asginl", "--host", host),
            *("--port", p, "--loop", "uvloop", "--no-access-log", "--log-level", "warning"),
            app,
        ]
    raise ValueError(kind)


class Process:
    """One server process on a port of its own; ``ready()`` once the app answers."""

    def __init__(self, kind: str, env: dict[str, str], app: str = APP) -> None:
        self.kind = kind
        self.port = free_port()
        LOGS.mkdir(parents=True, exist_ok=True)
        with open(LOGS / f"{kind}-{self.port}.log", "wb") as log:
            # A session of its own: granian's supervisor has worker processes to take along.
            self.proc = subprocess.Popen(
                command(kind, self.port, app),
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def ready(self, timeout: float = 90) -> None:
        """Until the probe answers: granian listens before its worker has imported the app."""
        wait_for_port(self.port, timeout=timeout)
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.counters()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def counters(self) -> dict[str, Any]:
        with urllib.request.urlopen(  # noqa: S310  (loopback, our own probe)
            f"http://127.0.0.1:{self.port}/__bench__/counters", timeout=30
        ) as r:
            return dict(json.loads(r.read()))

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group of the process we started
            self.proc.wait(5)


@dataclass
class Contender:
    """One server: its processes (the first is the one-process setup) and, with two, nginx."""

    kind: str
    processes: list[Process]
    proxy: Any = None  # tests.support.nginx.Proxy

    def setups(self) -> list[tuple[str, int, str | None, list[Process]]]:
        """(label, port, page origin for sockets, processes measured) per setup."""
        out = [("1 process", self.processes[0].port, None, self.processes[:1])]
        if self.proxy is not None:
            # nginx passes Host without the port and says X-Forwarded-Proto: https.
            out.append(
                ("2 processes + nginx", self.proxy.port, "https://127.0.0.1", self.processes)
            )
        return out


@dataclass(frozen=True)
class Plan:
    processes: int  # 1: one process each; 2: also two behind nginx
    http_seconds: float  # per round
    http_rounds: int
    warm_seconds: float
    concurrency: int
    clients: int
    rate: float
    ws_seconds: float
    together: bool  # quick: every server at once, the transitions driven from this process
    kinds: tuple[str, ...] = KINDS
    pool: int = 10  # work orders per fresh pool (every transition reaches every client)


FULL = Plan(
    processes=2,
    http_seconds=5,
    http_rounds=2,
    warm_seconds=1,
    concurrency=32,
    clients=200,
    rate=5,
    ws_seconds=10,
    together=False,
)
QUICK = Plan(
    processes=1,
    http_seconds=0.05,
    http_rounds=1,
    warm_seconds=0,
    concurrency=2,
    clients=5,
    rate=10,
    ws_seconds=0.2,
    together=True,
    pool=2,
)


@dataclass
class Lineup:
    plan: Plan
    contenders: list[Contender] = field(default_factory=list)


def start(plan: Plan, env: dict[str, str]) -> Lineup:
    """Start every server's processes at once (their imports overlap); ``compare`` waits."""
    lineup = Lineup(plan)
    # 0: this comparison's figures were taken so (a connection per request). Request threads
    # keep their connections since project/asgi_handler.py (at most YISHI_HTTP_THREADS per
    # process), but six servers' processes × 8 would still crowd PostgreSQL's 200.
    env = {**env, "DB_CONN_MAX_AGE": "0"}
    for kind in plan.kinds:
        lineup.contenders.append(
            Contender(kind, [Process(kind, env) for _ in range(plan.processes)])
        )
    return lineup


def stop(lineup: Lineup) -> None:
    for c in lineup.contenders:
        if c.proxy is not None:
            c.proxy.stop()
        for p in c.processes:
            p.stop()


#: One client in ten is the firm's staff (as in the live phases).
STAFF_EVERY = 10


def _targets(
    base: str, origin: str | None, pool: dict[str, Any], cookies: Audience, n: int
) -> list[Target]:
    residents = frozenset(f"issue:{p['issue']}:public" for p in pool["pool"])
    staff = frozenset(
        [f"org:{pool['firm']}:inbox", *(f"work_order:{p['order']}:staff" for p in pool["pool"])]
    )
    out = []
    for i in range(n):
        if i % STAFF_EVERY == STAFF_EVERY - 1:
            topics, cookie = staff, cookies.staff[i % len(cookies.staff)]
        else:
            topics, cookie = residents, cookies.residents[i % len(cookies.residents)]
        url = f"{base}/ws/live/?topics={','.join(sorted(topics))}&lang=zh-hans"
        out.append(Target(url, cookie, topics, origin))
    return out


@dataclass(frozen=True)
class Audience:
    residents: list[str]
    staff: list[str]


class Driver:
    """Real transitions: a separate process as in the live phases, or (``together``, quick
    mode) this process's own thread, which saves two Python start-ups."""

    def __init__(self, env: dict[str, str], in_process: bool) -> None:
        self.env, self.in_process = env, in_process

    async def prepare(self, orders: int) -> dict[str, Any]:
        if self.in_process:
            from bench import driver

            return await asyncio.to_thread(_closing, driver.prepare, orders)
        return await self._run("prepare", "--orders", str(orders))

    async def drive(self, orders: list[int], rate: float, count: int) -> dict[str, Any]:
        if self.in_process:
            from bench import driver

            return await asyncio.to_thread(_closing, driver.drive_yishi, rate, count, orders)
        ids = ",".join(map(str, orders))
        return await self._run("yishi", "--orders", ids, "--rate", str(rate), "--count", str(count))

    async def _run(self, *args: str) -> dict[str, Any]:
        proc = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.driver", *args),
            cwd=ROOT,
            env=self.env,
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"driver failed ({proc.returncode})")
        return dict(json.loads(out))


def _closing(fn: Any, *args: Any) -> Any:
    """Run ``fn`` in this worker thread and close the database connection it opened."""
    from django.db import connections

    try:
        return fn(*args)
    finally:
        connections.close_all()


def _cpu(processes: list[Process]) -> float:
    return sum(p.counters()["cpu_s"] for p in processes)


async def _measure(
    setup: tuple[str, int, str | None, list[Process]],
    path: str,
    cookie: str | None,
    plan: Plan,
    seconds: float,
) -> tuple[dict[str, Any], float]:
    """One load run on one setup; the server processes' CPU seconds it cost."""
    _, port, _, procs = setup
    before = _cpu(procs)
    h = await load(port, path, cookie=cookie, concurrency=plan.concurrency, seconds=seconds)
    return h, _cpu(procs) - before


async def _http(lineup: Lineup, pages: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    """Each (setup, page): every server in turn, ``http_rounds`` rounds in rotated order."""
    plan = lineup.plan
    rows: list[dict[str, Any]] = []
    setups = {c.kind: c.setups() for c in lineup.contenders}
    kinds = plan.kinds
    for s in range(len(setups[kinds[0]])):
        for label, path, cookie in pages:
            runs: dict[str, list[dict[str, Any]]] = {k: [] for k in plan.kinds}
            cpu: dict[str, float] = {k: 0.0 for k in plan.kinds}

            if plan.together:  # quick: all at once, one short round, no warming
                done = await asyncio.gather(
                    *(_measure(setups[k][s], path, cookie, plan, plan.http_seconds) for k in kinds)
                )
                measured = list(zip(kinds, done, strict=True))
            else:
                measured = []
                for kind in kinds:  # warm: first connections, templates, DB pools
                    await _measure(setups[kind][s], path, cookie, plan, plan.warm_seconds)
                for r in range(plan.http_rounds):
                    for kind in [*kinds[r % len(kinds) :], *kinds[: r % len(kinds)]]:
                        m = await _measure(setups[kind][s], path, cookie, plan, plan.http_seconds)
                        measured.append((kind, m))
            for kind, (h, used) in measured:
                cpu[kind] += used
                runs[kind].append(h)
            for kind in plan.kinds:
                rs = runs[kind]
                requests = sum(h["requests"] for h in rs)
                rows.append(
                    {
                        "server": kind,
                        "setup": setups[kind][s][0],
                        "page": label,
                        "path": path,
                        "concurrency": plan.concurrency,
                        "requests": requests,
                        "rps": sum(h["rps"] for h in rs) / len(rs),
                        "rounds_rps": [h["rps"] for h in rs],
                        "p50_ms": sum(h["p50_ms"] for h in rs) / len(rs),
                        "p99_ms": max(h["p99_ms"] for h in rs),
                        "errors": sum(h["errors"] for h in rs),
                        "cpu_ms_per_request": cpu[kind] / max(1, requests) * 1000,
                    }
                )
                _progress(f"{kind}, {rows[-1]['setup']}, {label}", rows[-1])
    return rows


async def _ws(lineup: Lineup, driver: Driver, audience: Audience) -> list[dict[str, Any]]:
    """Commit → receipt per (server, setup); with ``together`` one run for all servers."""
    plan = lineup.plan
    setups = [c.setups() for c in lineup.contenders]
    # Setup by setup, the servers in turn (load on the machine drifts over minutes).
    runs = [
        (c.kind, *c_setups[s])
        for s in range(len(setups[0]))
        for c, c_setups in zip(lineup.contenders, setups, strict=True)
    ]
    groups = [runs] if plan.together else [[r] for r in runs]
    # A fresh pool of orders per run (timelines grow with every step), made in one go.
    size = plan.pool
    made = await driver.prepare(size * len(groups))
    pools = split_pool(made, [size] * len(groups))
    rows = []
    for group, pool in zip(groups, pools, strict=True):
        swarms = [
            Swarm(_targets(f"ws://127.0.0.1:{port}", origin, pool, audience, plan.clients))
            for _, _, port, origin, _ in group
        ]
        for swarm in [] if plan.together else swarms:  # warm: imports, first policy queries
            await swarm.connect(min(plan.clients, 3))
            await swarm.close()
        connect_s = [await swarm.connect(plan.clients) for swarm in swarms]
        await asyncio.sleep(0.2 if plan.together else 2)
        before = [_cpu(procs) for *_, procs in group]
        count = max(1, round(plan.rate * plan.ws_seconds))
        out = await driver.drive([p["order"] for p in pool["pool"]], plan.rate, count)
        for swarm in swarms:
            await swarm.wait_for(out["stamps"], quiet=5.0 if plan.together else 10.0)
        for (kind, setup, _, _, procs), swarm, cs, b in zip(
            group, swarms, connect_s, before, strict=True
        ):
            stats = delivery_stats(swarm.clients, out["stamps"])
            cpu = _cpu(procs) - b
            rows.append(
                {
                    "server": kind,
                    "setup": setup,
                    **stats,
                    "rate": plan.rate,
                    "connect_s": cs,
                    "cpu_us_per_delivery": cpu / max(1, stats["deliveries"]) * 1e6,
                }
            )
            _progress(f"{kind}, {setup}, websockets", rows[-1])
        for swarm in swarms:
            await swarm.close()
    return rows


async def compare(
    lineup: Lineup, env: dict[str, str], *, audience: Audience, resident: str
) -> dict[str, Any]:
    """The phase: wait for the servers, put nginx in front of the pairs, measure."""
    from tests.support.nginx import Proxy

    plan = lineup.plan
    for c in lineup.contenders:
        for p in c.processes:
            p.ready()
        if len(c.processes) > 1:
            c.proxy = Proxy([p.port for p in c.processes], LOGS / f"nginx-{c.kind}")
            c.proxy.start()
    pages = [
        ("trivial view (/healthz/)", "/healthz/", None),
        ("issue list (resident)", "/issues/", resident),
    ]
    load_start, started = os.getloadavg(), time.monotonic()
    http = await _http(lineup, pages)
    http_s = time.monotonic() - started
    ws = await _ws(lineup, Driver(env, in_process=plan.together), audience)
    return {
        "plan": plan.__dict__,
        "production": PRODUCTION,
        "load_avg": [load_start, os.getloadavg()],
        "duration_s": time.monotonic() - started,
        "http_s": http_s,
        "http": http,
        "ws": ws,
    }


def _progress(label: str, r: dict[str, Any]) -> None:
    keys = ("rps", "p50_ms", "p99_ms", "errors", "clients", "lost", "cpu_ms_per_request")
    shown = {k: round(r[k], 1) if isinstance(r[k], float) else r[k] for k in keys if k in r}
    print(f"[bench] {label}: {shown}", file=sys.stderr, flush=True)


def _find(rows: list[dict[str, Any]], **want: Any) -> dict[str, Any] | None:
    return next((r for r in rows if all(r.get(k) == v for k, v in want.items())), None)


def ratios(out: dict[str, Any]) -> dict[tuple[str, str, str], float]:
    """requests/s of each server over Daphne's, per (server, setup, page), in this run."""
    found: dict[tuple[str, str, str], float] = {}
    for r in out["http"]:
        base = _find(out["http"], server="daphne", setup=r["setup"], page=r["page"])
        if base and base["rps"] > 0:
            found[(r["server"], r["setup"], r["page"])] = r["rps"] / base["rps"]
    return found


def targets(out: dict[str, Any]) -> list[dict[str, Any]]:
    """The comparison's rows for the report's targets: every server worked, and the
    production server is within the switch bar (~15 %) of the cheapest other on a real page,
    per setup. Measured as the server processes' CPU per issue-list request, which the
    other work on a shared machine disturbs far less than requests/s or p99."""
    rows: list[dict[str, Any]] = []
    errors = sum(r["errors"] for r in out["http"])
    bad = sum(r["lost"] + r["duplicated"] + r["out_of_order"] for r in out["ws"])
    rows.append(
        {
            "target": "server comparison: every server answered without error and pushed "
            "without loss",
            "value": errors + bad,
            "met": errors + bad == 0,
        }
    )
    prod, page = out["production"], "issue list (resident)"
    for setup in dict.fromkeys(r["setup"] for r in out["http"]):
        mine = _find(out["http"], server=prod, setup=setup, page=page)
        others = [r for r in out["http"] if r["setup"] == setup and r["page"] == page]
        others = [r for r in others if r is not mine and r["requests"]]
        if mine and mine["requests"] and others:
            best = min(others, key=lambda r: r["cpu_ms_per_request"])
            ratio = mine["cpu_ms_per_request"] / best["cpu_ms_per_request"]
            rows.append(
                {
                    "target": f"production server ({LABELS[prod]}): CPU per issue-list request "
                    f"≤ 1.15× the cheapest other's, {setup} ({LABELS[best['server']]})",
                    "value": f"{ratio:.2f}×",
                    "met": ratio <= 1.15,
                }
            )
    return rows


def _f(v: Any, digits: int = 1) -> str:
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def markdown(out: dict[str, Any]) -> str:
    """The side-by-side table: per server and setup, HTTP and websockets."""
    plan = out["plan"]
    rel = ratios(out)
    (l0, l1) = (tuple(round(x, 2) for x in la) for la in out["load_avg"])
    lines = [
        "### The server: Daphne, uvicorn, granian side by side",
        "",
        f"Same app, same run; HTTP at {plan['concurrency']} connections, "
        + (
            "all servers at once (quick: proves they work, not which is faster)"
            if plan["together"]
            else f"{plan['http_rounds']} round(s) of {plan['http_seconds']:g} s per server "
            "taking turns (requests/s: mean of the rounds; p99: the worst round)"
        )
        + "; websockets: "
        f"{plan['clients']} clients, {plan['rate']:g} transitions/s for "
        f"{plan['ws_seconds']:g} s{' (all servers in one run)' if plan['together'] else ''}. "
        f"Load average at the phase's start {l0}, at its end {l1}. CPU: the server processes' "
        "own (user + system) per request or per pushed fragment.",
        "",
        "| server | setup | /healthz/ req/s | × Daphne | issue list req/s | × Daphne "
        "| issue list p50 / p99 ms | CPU ms/req (healthz / list) | ws p50 ms | ws p99 ms "
        "| lost | CPU µs/delivery |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for w in out["ws"] or [{"server": r["server"], "setup": r["setup"]} for r in out["http"]]:
        kind, setup = w["server"], w["setup"]
        t = _find(out["http"], server=kind, setup=setup, page="trivial view (/healthz/)") or {}
        i = _find(out["http"], server=kind, setup=setup, page="issue list (resident)") or {}
        rt = rel.get((kind, setup, "trivial view (/healthz/)"))
        ri = rel.get((kind, setup, "issue list (resident)"))
        lines.append(
            f"| {LABELS[kind]}{' (production)' if kind == out['production'] else ''} | {setup} "
            f"| {_f(t.get('rps', '—'), 0)} | {_f(rt, 2) if rt else '—'} "
            f"| {_f(i.get('rps', '—'), 1)} | {_f(ri, 2) if ri else '—'} "
            f"| {_f(i.get('p50_ms', '—'), 0)} / {_f(i.get('p99_ms', '—'), 0)} "
            f"| {_f(t.get('cpu_ms_per_request', '—'), 2)} / "
            f"{_f(i.get('cpu_ms_per_request', '—'), 1)} "
            f"| {_f(w.get('p50_ms', '—'))} | {_f(w.get('p99_ms', '—'))} | {w.get('lost', '—')} "
            f"| {_f(w.get('cpu_us_per_delivery', '—'), 0)} |"
        )
    lines += [
        "",
        f"**Production server: {LABELS[out['production']]}** (`bench/servers.py` PRODUCTION; "
        'why: docs/benchmarks.md, "the server: Daphne kept").',
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    """This phase alone, on its own PostgreSQL, Redis and a small seed."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--kinds", help="comma-separated subset of " + ",".join(KINDS))
    parser.add_argument("--http-seconds", type=float)
    parser.add_argument("--http-rounds", type=int)
    parser.add_argument("--clients", type=int)
    parser.add_argument("--ws-seconds", type=float)
    parser.add_argument("--issues", type=int, default=2000, help="issues seeded (list volume)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    from dataclasses import replace

    plan = QUICK if args.quick else FULL
    overrides = {
        "kinds": tuple(args.kinds.split(",")) if args.kinds else None,
        "http_seconds": args.http_seconds,
        "http_rounds": args.http_rounds,
        "clients": args.clients,
        "ws_seconds": args.ws_seconds,
    }
    plan = replace(plan, **{k: v for k, v in overrides.items() if v is not None})
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from bench.environment import start_django
    from tests.plugins.services import PostgresServer, RedisServer

    pg, redis = PostgresServer(), RedisServer()
    pg.start()
    redis.start()
    lineup: Lineup | None = None
    try:
        env = start_django(pg, redis)
        from bench.seed import seed_volume, session_cookie, swarm_cookies
        from deliberation.models import User

        seed_volume(units=max(100, plan.clients), announcements=200, events=200, issues=args.issues)
        audience = Audience(
            residents=swarm_cookies(plan.clients),
            staff=[session_cookie(User.objects.get(username="wuye")) for _ in range(5)],
        )
        resident = session_cookie(User.objects.get(username="jumin"))
        from django.db import connections

        connections.close_all()
        lineup = start(plan, env)
        out = asyncio.run(compare(lineup, env, audience=audience, resident=resident))
    finally:
        if lineup is not None:
            stop(lineup)
        redis.stop()
        pg.stop()
    out["targets"] = targets(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2, ensure_ascii=False))
    print(markdown(out))
    for r in out["targets"]:
        print(f"| {r['target']} | {r['value']} | {'met' if r['met'] else 'MISSED'} |")


if __name__ == "__main__":
    main()
