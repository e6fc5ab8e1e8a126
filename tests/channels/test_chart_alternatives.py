"""The indicators charts have text alternatives: each SVG is an image with a name, its
figures are also given as a table, and colour is never the only difference (the rate lines
differ in dash pattern too; a rising month's bar carries a ▲ as well as the signal colour)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliberation.demo.indicators import seed_indicators
from deliberation.models import Issue
from tests.support.clients import login_client
from tests.support.demo import Demo
from tests.support.paths import ROOT

pytestmark = pytest.mark.django_db


def page(demo: Demo) -> str:
    Issue.objects.filter(hotline_ticket__startswith="DEMO-").delete()
    seed_indicators()
    return login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()


def test_every_chart_is_a_named_image(demo: Demo) -> None:
    html = page(demo)
    charts = re.findall(r'<svg class="chart"[^>]*>', html)
    assert len(charts) >= 2
    for tag in charts:
        assert 'role="img"' in tag, tag
        assert "aria-label=" in tag or "aria-labelledby=" in tag, tag
    assert '<desc id="rates-desc">' in html and 'aria-describedby="rates-desc"' in html


def test_the_rates_chart_figures_are_a_table_too(demo: Demo) -> None:
    html = page(demo)
    table = html.split('id="rates-table"')[1].split("</details>")[0]
    # Every figure a dot shows (its <title>) is in the table, under its month.
    dots = re.findall(r'<circle class="dot [^"]+"[^>]*><title>[^<]* (\d+%)</title>', html)
    assert dots
    cells = re.findall(r"<td>([^<]*)</td>", table)
    for figure in dots:
        assert figure in cells
    months = re.findall(r'<th scope="row">([^<]+)</th>', table)
    assert len(months) == len(re.findall(r'text-anchor="middle">', html))


def test_each_compound_chart_has_its_counts_as_a_table(demo: Demo) -> None:
    html = page(demo)
    cards = html.split('<svg class="chart"')[2:]  # after the rates chart: one per compound
    assert cards
    for card in cards:
        bars = re.findall(r"<title>([^<]+): (\d+)</title></rect>", card)
        table = card.split('<details class="chart-data">')[1].split("</details>")[0]
        rows = re.findall(r'<th scope="row">([^<]+)</th><td>(?:▲ )?(\d+)</td>', table)
        assert rows == bars


def test_colour_is_not_the_only_difference(demo: Demo) -> None:
    html = page(demo)
    flagged = re.findall(r'<rect class="bar-rect flag"[^>]*>.*?</rect>\s*<text[^>]*>([^<]*)<', html)
    assert flagged and all(t.startswith("▲") for t in flagged)
    css = (ROOT / "static" / "css" / "channels.css").read_text()
    dashes = re.findall(r"([^{}]*)\{\s*stroke-dasharray", css)
    dashed = " ".join(dashes)
    assert ".chart .line-response" in dashed and ".chart .line-satisfaction" in dashed
    # The key draws each line as the chart does, not as a coloured character.
    assert html.count('<svg class="key"') == 3 and "━" not in html
