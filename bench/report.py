"""Machine details, the issue's targets (met or missed) and the Markdown table."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from typing import Any

from bench import pages, transitions

#: When this run started, for the elapsed seconds in the progress lines.
_STARTED = time.monotonic()


def progress(label: str, r: dict[str, Any]) -> None:
    """One line on stderr per finished measurement, with the seconds since the run began
    (where a run's time goes: ``make test`` runs the quick mode)."""
    keys = ("clients", "p50_ms", "p99_ms", "max_ms", "lost", "rps", "requests", "gc_max_pause_ms")
    keys += ("slowest_event",)
    shown = {k: round(r[k], 1) if isinstance(r[k], float) else r[k] for k in keys if k in r}
    phase(f"{label}: {shown}")


def phase(label: str) -> None:
    """A progress line (also for a phase with no figures of its own: seeding, starting)."""
    print(f"[bench {time.monotonic() - _STARTED:5.1f} s] {label}", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((ln.split(":", 1)[1].strip() for ln in f if "model name" in ln), "")
    except OSError:
        pass
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for ln in f:
            if ln.startswith("MemTotal:"):
                mem_kib = int(ln.split()[1])
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "mem_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        "load_avg_at_start": os.getloadavg(),
        "commit": commit,
    }


def _level(out: dict[str, Any], server: str, n: int) -> dict[str, Any] | None:
    for r in out["latency"]:
        if r["server"] == server and r["clients"] == n:
            return dict(r)
    return None


def targets(out: dict[str, Any]) -> list[dict[str, Any]]:
    """Every target of issue 5 with the measured value and met / missed / not measured."""
    rows: list[dict[str, Any]] = []

    def add(name: str, value: Any, met: bool | None) -> None:
        rows.append({"target": name, "value": value, "met": met})

    for n, limit in ((200, 100.0), (1000, 400.0)):
        r = _level(out, "yishi, 1 worker", n)
        add(
            f"p99 ≤ {limit:g} ms at {n} clients (1 worker)",
            r and round(r["p99_ms"], 1),
            None if r is None else r["p99_ms"] <= limit,
        )
        r2 = _level(out, "yishi, 2 workers", n)
        if r2:
            add(
                f"p99 ≤ {limit:g} ms at {n} clients (2 workers)",
                round(r2["p99_ms"], 1),
                r2["p99_ms"] <= limit,
            )
    for n in sorted({r["clients"] for r in out["latency"]}):
        f = _level(out, "floor", n)
        for server, label in (("yishi, 1 worker", ""), ("yishi, 2 workers", " (2 workers)")):
            y = _level(out, server, n)
            if y and f and f["p99_ms"] > 0:
                ratio = y["p99_ms"] / f["p99_ms"]
                add(f"p99 within 3× the floor at {n} clients{label}", f"{ratio:.1f}×", ratio <= 3)
    soak = out.get("soak") or {}
    for key in ("lost", "duplicated", "out_of_order"):
        add(f"soak: 0 {key.replace('_', '-')}", soak.get(key), soak.get(key) == 0)
    add(
        "soak: 0 channels-redis over-capacity drops",
        soak.get("over_capacity"),
        soak.get("over_capacity") == 0,
    )
    ones = [r for r in out["latency"] if r["server"] != "floor"]
    q = max((r["queries_per_delivery"] for r in ones), default=None)
    t = max((r["renders_per_delivery"] for r in ones), default=None)
    add("0 queries per delivery in the consumer", q, q == 0)
    add("0 template renders per delivery in the consumer", t, t == 0)
    biggest = max(
        (r for r in ones if r["server"] == "yishi, 1 worker"),
        key=lambda r: r["clients"],
        default=None,
    )
    if biggest:
        kib = biggest["rss_kib_per_socket"]
        add(
            f"≤ 100 KiB RSS per idle socket ({biggest['clients']} sockets)",
            round(kib, 1),
            kib <= 100,
        )
    rows += transitions.target_rows(out["transitions"].get("steps") or {})
    rows.extend(pages.target_rows(out))
    return rows


def _f(v: Any, digits: int = 1) -> str:
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def markdown(out: dict[str, Any]) -> str:
    m = out["machine"]
    load = tuple(round(x, 2) for x in m["load_avg_at_start"])
    end = m.get("load_avg_at_end")
    load_end = f", at the end {tuple(round(x, 2) for x in end)}" if end else ""
    soak = {**out["soak"], "server": f"soak {out['soak']['seconds']:g} s, 1 worker"}
    lines = [
        f"## {out['started']} — `make bench{' --quick' if out['mode'] == 'quick' else ''}`"
        f" at {m['commit']}"
        + (
            f" — `--layer {out['layer']}` (comparison)"
            if out.get("layer") not in (None, "live")
            else ""
        ),
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), {m['mem_gib']} GiB, Python {m['python']},"
        f" Linux {m['kernel']}; load average at start {load}{load_end}"
        " (other work shared the machine). "
        f"Volume: {out['volume']}. Run took {out['duration_s']:.0f} s.",
        "",
        "### Live updates: commit → receipt",
        "",
        "| server | clients | transitions/s | deliveries | p50 ms | p95 ms | p99 ms | max ms "
        "| lost | dup | out of order | over capacity | queries/delivery | renders/delivery "
        "| worker CPU µs/delivery | RSS KiB/idle socket |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [*out["latency"], soak]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                _f(r.get(k, "—"))
                for k in (
                    "server",
                    "clients",
                    "rate",
                    "deliveries",
                    "p50_ms",
                    "p95_ms",
                    "p99_ms",
                    "max_ms",
                    "lost",
                    "duplicated",
                    "out_of_order",
                    "over_capacity",
                    "queries_per_delivery",
                    "renders_per_delivery",
                    "cpu_us_per_delivery",
                    "rss_kib_per_socket",
                )
            )
            + " |"
        )
    first = next((r for r in out["latency"] if r.get("steps")), None)
    if first:
        sizes = ", ".join(f"{k} {v:.0f}" for k, v in first["fragment_bytes"].items())
        lines += [
            "",
            "Driver: real work-order transitions in turn on a fresh pool of work orders per"
            " run (progress note → complete → the committee finds it unfinished → …; steps"
            f" in the first run: {first['steps']}). Mean pushed fragment (bytes, zh-hans):"
            f" {sizes}; the floor pushes the issue page's size to every client.",
        ]
    t = out["transitions"]
    lines += [
        "",
        "### HTTP (one worker) and transitions",
        "",
        *pages.markdown(out),
        "",
        f"Transitions ({t['kind']}), serial on PostgreSQL: **{t['per_s']:.1f}/s**, "
        f"**{t['queries_per_transition']} queries** per transition; pushed fragment "
        f"{t['fragment_bytes']} bytes.",
        "",
        *_work_order_lines(t),
        "### Targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *(
            f"| {r['target']} | {_f(r['value'], 2)} | "
            f"{'**met**' if r['met'] else ('not measured' if r['met'] is None else '**MISSED**')} |"
            for r in out["targets"]
        ),
        "",
    ]
    return "\n".join(lines)


def _work_order_lines(t: dict[str, Any]) -> list[str]:
    return transitions.markdown_lines(t.get("steps") or {})  # bench/transitions.py


def transitions_markdown(t: dict[str, Any], m: dict[str, Any]) -> str:
    """The ``--transitions-only`` section."""
    lines = [
        f"## Transitions only — `python -m bench --transitions-only` at {m['commit']}",
        "",
        f"Machine: {m['cpus']} CPUs ({m['cpu_model']}), load average at start "
        f"{tuple(round(x, 2) for x in m['load_avg_at_start'])}.",
        "",
        f"Announcements (post_announcement): **{t['per_s']:.1f}/s**, "
        f"**{t['queries_per_transition']} queries** per transition.",
        "",
        *_work_order_lines(t),
    ]
    return "\n".join(lines)
