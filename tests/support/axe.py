"""axe-core in the browser tests: every page a journey visits must have no critical or
serious accessibility violation (WCAG 2.0/2.1 A and AA rules).

axe-core comes from the npm registry, pinned in tests/package.json and package-lock.json
(`npm ci --prefix tests`, run by `make test`). It is injected with ``page.evaluate``:
Playwright evaluates in the page's main world through the DevTools protocol, which the
site's Content-Security-Policy does not govern — a ``<script>`` tag (``add_script_tag``)
would be inline or foreign and rightly blocked.
"""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")

# Wall time spent inside axe (injection + run), for the report on what the checks cost.
timing = {"checks": 0, "seconds": 0.0}


@cache
def axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(
            f"{AXE_JS} is missing: run `npm ci --prefix tests` (`make test` does it)."
        )
    return AXE_JS.read_text(encoding="utf-8")


RUN = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags},
    resultTypes: ["violations"],
  });
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                              impact: n.impact})),
  }));
}"""


def violations(page: Any) -> list[dict[str, Any]]:
    """axe's critical and serious violations on the page as it is now."""
    started = time.monotonic()
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    found = page.evaluate(RUN, TAGS)
    timing["checks"] += 1
    timing["seconds"] += time.monotonic() - started
    return [v for v in found if v["impact"] in BLOCKING]


def describe(found: list[dict[str, Any]]) -> str:
    lines = []
    for v in found:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {n['target']}  {n['html']}" for n in v["nodes"][:5])
        if len(v["nodes"]) > 5:
            lines.append(f"    … and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


def problems(page: Any, label: str = "") -> str:
    """A readable list (rule, help, targets) of axe's critical and serious violations on the
    page as it is now, or "" when there is none; ``label`` says which step it was."""
    found = violations(page)
    if not found:
        return ""
    where = f"{label} ({page.url})" if label else page.url
    return f"accessibility violations on {where}:\n{describe(found)}"


def assert_accessible(page: Any, label: str = "") -> None:
    """Fail with that list if axe finds a critical or serious violation."""
    found = problems(page, label)
    if found:
        raise AssertionError(found)
