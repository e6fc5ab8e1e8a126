"""``make bench`` in its quick mode, so the benchmark never rots: every phase runs, every
target is evaluated, and the promises that do not depend on machine speed hold."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.environment import DATABASE_DUMP
from tests.support.template import dump_seeded_template

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.bench


@pytest.fixture
def seeded_dump(tmp_path: Path, django_db_blocker: Any) -> Path:
    """The suite's migrated and seeded template, for the run's own server to start from
    (``bench.environment.DATABASE_DUMP``) instead of migrating and seeding from nothing."""
    path = tmp_path / "seeded.dump"
    with django_db_blocker.unblock():
        dump_seeded_template(path)
    return path


def test_quick_benchmark_runs_and_reports_every_target(tmp_path: Path, seeded_dump: Path) -> None:
    out_json, out_md = tmp_path / "bench.json", tmp_path / "bench.md"
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(out_json)]
        + ["--markdown", str(out_md)],
        env={**os.environ, DATABASE_DUMP: str(seeded_dump)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a fresh work-order pool and a driver process per run
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = json.loads(out_json.read_text())
    servers = {r["server"] for r in out["latency"]}
    assert servers == {"yishi, 1 worker", "yishi, 2 workers", "floor"}
    for r in [*out["latency"], out["soak"]]:
        assert r["deliveries"] == r["owed"] >= r["clients"] * r["transitions"] > 0, r
        assert (r["lost"], r["duplicated"], r["out_of_order"]) == (0, 0, 0), r
        slowest = r["slowest_event"]
        assert 0 <= slowest["ordinal"] < slowest["of"] and slowest["clients"] > 0, r
        if r.get("server") != "floor":
            assert r["consumer_deliveries"] >= r["deliveries"]
            assert r["queries_per_delivery"] == 0 and r["renders_per_delivery"] == 0, r
    assert {h["errors"] for h in out["http"]} == {0} and len(out["http"]) >= 4
    assert out["transitions"]["queries_per_transition"] > 0
    table = out_md.read_text()
    assert "### Targets" in table and "| soak: 0 lost | 0 | **met** |" in table
    # The server comparison: every server answered both pages and pushed every event.
    compared = out["servers"]
    assert {r["server"] for r in compared["http"]} == {"daphne", "uvicorn", "granian"}
    assert all(r["requests"] > 0 and r["errors"] == 0 for r in compared["http"]), compared
    assert {r["server"] for r in compared["ws"]} == {"daphne", "uvicorn", "granian"}
    for r in compared["ws"]:
        assert r["deliveries"] == r["owed"] > 0 and r["lost"] == 0, r
    assert "### The server" in table and "**Production server:" in table
    assert len(out["targets"]) >= 8
