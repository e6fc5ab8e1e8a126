"""Query budgets: the same number of SQL queries at 10 and 1,000 rows, ≤ 12 per page, for
every page (walked from the URL resolver) and every pushed fragment (found in the code)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from deliberation.live import outbox
from tests.support.clients import login_client

from .budgets import (
    FOREIGN_NAMESPACES,
    FRAGMENTS,
    NOT_PAGES,
    NOT_PUSHED,
    PAGES,
    PENDING_FRAGMENTS,
    PENDING_PAGES,
    Budget,
    FragmentBudget,
)

ROOT = Path(__file__).resolve().parents[2]


def url_names(resolver: URLResolver | None = None, namespace: str = "") -> set[str]:
    """Every named URL pattern of the project, outside foreign namespaces."""
    names: set[str] = set()
    for p in (resolver or get_resolver()).url_patterns:
        if isinstance(p, URLResolver):
            if p.namespace in FOREIGN_NAMESPACES:
                continue
            names |= url_names(p, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name:
            names.add(namespace + p.name)
    return names


def fragment_templates() -> set[str]:
    """Templates following the live convention (``{% if oob %}`` on their root)."""
    root = ROOT / "templates"
    return {
        str(p.relative_to(root))
        for p in root.rglob("*.html")
        if re.search(r"{%\s*if oob\s*%}", p.read_text())
    }


def test_every_url_has_a_query_budget() -> None:
    missing = url_names() - set(PAGES) - set(NOT_PAGES) - PENDING_PAGES
    assert not missing, (
        f"URL names without a query budget: {sorted(missing)}. Add them to PAGES in "
        "tests/hardening/budgets.py (how to grow the rows the page lists), or to NOT_PAGES "
        "with the reason."
    )
    stale = (set(PAGES) | set(NOT_PAGES) | PENDING_PAGES) - url_names()
    assert not stale, f"budgets for URL names that no longer exist: {sorted(stale)}"


def test_every_pushed_fragment_has_a_query_budget() -> None:
    templates = fragment_templates()
    assert "compounds/_announcement_board.html" in templates, "the scan is broken"
    missing = templates - set(FRAGMENTS) - set(NOT_PUSHED) - PENDING_FRAGMENTS
    assert not missing, (
        f"pushed fragment templates without a query budget: {sorted(missing)}. Add them to "
        "FRAGMENTS in tests/hardening/budgets.py (a service call that pushes them), or to "
        "NOT_PUSHED with the reason."
    )
    stale = (set(FRAGMENTS) | set(NOT_PUSHED) | PENDING_FRAGMENTS) - templates
    assert not stale, f"budgets for templates that no longer exist: {sorted(stale)}"


def _request(budget: Budget, client: Client, demo: Any, i: int) -> int:
    url = budget.url(demo)
    with CaptureQueriesContext(connection) as ctx:
        if budget.method == "post":
            data = budget.data(demo, i) if budget.data else {}
            response = client.post(url, data, **budget.headers)
        else:
            response = client.get(url, **budget.headers)
    assert response.status_code in budget.statuses, (url, response.status_code)
    return len(ctx.captured_queries)


PAGE_CASES = [pytest.param(name, b, id=b.label(name)) for name, bs in PAGES.items() for b in bs]


@pytest.mark.parametrize(("name", "budget"), PAGE_CASES)
def test_page_queries_do_not_grow_with_rows(demo, name: str, budget: Budget) -> None:
    client = login_client(demo.user(budget.user)) if budget.user else Client()
    budget.grow(demo, 10)
    _request(budget, client, demo, 0)  # warm: first-request caches (content types, …)
    at_10 = _request(budget, client, demo, 1)
    budget.grow(demo, 990)
    at_1000 = _request(budget, client, demo, 2)
    assert at_10 == at_1000, f"{name}: {at_10} queries at 10 rows, {at_1000} at 1,000"
    assert at_1000 <= budget.max_queries, f"{name}: {at_1000} queries > {budget.max_queries}"


@pytest.mark.parametrize(("kind", "budget"), list(FRAGMENTS.items()), ids=list(FRAGMENTS))
def test_fragment_queries_do_not_grow_with_rows(
    demo, monkeypatch, kind: str, budget: FragmentBudget
) -> None:
    rendered: list[int] = []
    templates: list[str] = []
    render = outbox.render_fragment

    def counting_render(template: str, context: Any) -> dict[str, str]:
        with CaptureQueriesContext(connection) as ctx:
            html = render(template, context)
        rendered.append(len(ctx.captured_queries))
        templates.append(template)
        return html

    monkeypatch.setattr(outbox, "render_fragment", counting_render)

    def measure(i: int) -> int:
        state = budget.prepare(demo, i)
        rendered.clear()
        templates.clear()
        with CaptureQueriesContext(connection) as ctx:
            budget.transition(demo, state)
        return len(ctx.captured_queries)

    budget.grow(demo, 10)
    measure(0)
    at_10 = measure(1)
    budget.grow(demo, 990)
    at_1000 = measure(2)
    assert at_10 == at_1000, f"{kind}: {at_10} queries at 10 rows, {at_1000} at 1,000"
    assert at_1000 <= budget.max_queries
    assert kind in templates, f"the transition pushed {templates}, not {kind}"
    queried = {t: n for t, n in zip(templates, rendered, strict=True) if n}
    assert not queried, f"{kind}: fragment templates queried while rendering: {queried}"
