"""Geometry for small inline SVG charts, drawn by templates (no JS library, no CDN).

The page must work under a strict CSP and on a phone, so charts are plain ``<svg>`` with
coordinates computed here and colours from CSS classes. Colour is never the only cue (lines
differ in dash pattern too, flagged bars carry a mark) and each chart also gives its
figures as ``rows`` for a data table beside it, for screen readers and careful readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    label: str
    flag: bool
    partial: bool = False


@dataclass
class BarChart:
    width: int
    height: int
    baseline: float
    bars: list[Bar]
    maximum: int
    #: the value axis: (y, the value written there)
    ticks: list[tuple[float, str]]
    left: int = 0

    @property
    def body(self) -> SafeString:
        return bar_chart_body(self)

    @property
    def rows(self) -> SafeString:
        return bar_chart_rows(self)


#: Room on the left for the value axis.
AXIS = 30


def count_ticks(maximum: int, top: float, plot: float) -> list[tuple[float, str]]:
    """0, the middle (when it is a whole number) and the maximum of a count axis."""
    values = sorted({0, maximum, *([maximum // 2] if maximum >= 4 and maximum % 2 == 0 else [])})
    return [(round(top + plot * (1 - v / maximum), 1), str(v)) for v in values]


def month_label(month: date) -> str:
    """A month on a chart axis: "Jun" in English, "6月" in Chinese (a date format)."""
    return date_format(month, pgettext("chart month (date format)", "M"))


def bar_chart(
    months: list[date],
    values: list[int],
    *,
    flagged: frozenset[int] = frozenset(),
    partial: date | None = None,
    width: int = 300,
    height: int = 110,
) -> BarChart:
    """One bar per month; ``flagged`` holds the indexes drawn in the signal colour; the
    ``partial`` month (still filling up) is drawn hollow and marked."""
    top, bottom = 14, 18
    plot = height - top - bottom
    maximum = max([*values, 1])
    step = (width - AXIS) / max(len(values), 1)
    bars = []
    for i, (month, value) in enumerate(zip(months, values, strict=True)):
        h = plot * value / maximum
        bars.append(
            Bar(
                x=round(AXIS + i * step + step * 0.15, 1),
                y=round(top + plot - h, 1),
                width=round(step * 0.7, 1),
                height=round(h, 1),
                value=value,
                label=month_label(month) + ("*" if month == partial else ""),
                flag=i in flagged,
                partial=month == partial,
            )
        )
    return BarChart(
        width=width,
        height=height,
        baseline=top + plot,
        bars=bars,
        maximum=maximum,
        ticks=count_ticks(maximum, top, plot),
        left=AXIS,
    )


def _quantities(chart: BarChart) -> dict[int, str]:
    """Each distinct value of the chart written once, in the reader's language (1,234)."""
    return {
        v: escape(number_format(v, use_l10n=True, force_grouping=True))
        for v in {b.value for b in chart.bars}
    }


def bar_chart_body(chart: BarChart) -> SafeString:
    """The inside of a bar chart's ``<svg>`` (value axis, baseline, bars with their marks):
    the same markup the template drew, drawn here because the district's indicators page
    holds a chart per compound (~50 charts, ~700 bars) and the template's dozen lookups
    and number localisations per bar were most of that page's time. Coordinates are
    numbers we computed (nothing to escape); labels are escaped. The template's ``|add``
    cut coordinates to whole numbers; ``int()`` here does the same."""
    q = _quantities(chart)
    left, width, height = chart.left, chart.width, chart.height
    out = [
        f'<line class="grid" x1="{left}" x2="{width}" y1="{y}" y2="{y}"/><text class="tick"'
        f' x="{left - 3}" y="{int(y) + 3}" text-anchor="end">{escape(label)}</text>'
        for y, label in chart.ticks
    ]
    out.append(
        f'<line class="axis" x1="{left}" x2="{width}" y1="{chart.baseline}" y2="{chart.baseline}"/>'
    )
    for b in chart.bars:
        css = (" flag" if b.flag else "") + (" partial" if b.partial else "")
        label, value = escape(b.label), q[b.value]
        out.append(
            f'<rect class="bar-rect{css}" x="{b.x}" y="{b.y}" width="{b.width}"'
            f' height="{b.height}"><title>{label}: {value}</title></rect>'
            f'<text x="{b.x}" y="{int(b.y) - 2}">{"▲" if b.flag else ""}{value}</text>'
            f'<text x="{b.x}" y="{height - 4}">{label}</text>'
        )
    return mark_safe("".join(out))  # noqa: S308  (numbers, and labels escaped above)


def bar_chart_rows(chart: BarChart) -> SafeString:
    """A bar chart's figures as table rows (month, count), for its data table."""
    q = _quantities(chart)
    return mark_safe(  # noqa: S308  (labels escaped, figures ours)
        "".join(
            f'<tr><th scope="row">{escape(b.label)}</th>'
            f"<td>{'▲ ' if b.flag else ''}{q[b.value]}</td></tr>"
            for b in chart.bars
        )
    )


@dataclass
class Line:
    css: str
    name: str
    points: str
    dots: list[tuple[float, float, str]]


@dataclass
class LineChart:
    width: int
    height: int
    baseline: float
    top: float
    lines: list[Line]
    labels: list[tuple[float, str]]
    rows: list[tuple[str, list[str]]]  # per month: its label and each line's figure (or "–")
    ticks: list[tuple[float, str]]  # the value axis: 0 %, 50 %, 100 %
    left: int = AXIS


def percent(rate: float | None) -> str:
    """A rate as the reader's language writes a whole percentage (94%)."""
    return "–" if rate is None else number_format(round(rate * 100), use_l10n=True) + "%"


def line_chart(
    months: list[date],
    series: list[tuple[str, str, list[float | None]]],
    *,
    partial: date | None = None,
    width: int = 320,
    height: int = 140,
) -> LineChart:
    """Rates (0–1) per month; a month without a value breaks nothing, it is just skipped.
    The ``partial`` month's label carries a mark (its figures are not final)."""
    top, bottom = 10, 18
    plot = height - top - bottom
    step = (width - AXIS) / max(len(months), 1)
    lines = []
    for css, name, values in series:
        coords = [
            (
                round(AXIS + i * step + step / 2, 1),
                round(top + plot * (1 - v), 1),
                percent(v),
            )
            for i, v in enumerate(values)
            if v is not None
        ]
        lines.append(Line(css, name, " ".join(f"{x},{y}" for x, y, _ in coords), coords))

    def label(m: date) -> str:
        return month_label(m) + ("*" if m == partial else "")

    labels = [(round(AXIS + i * step + step / 2, 1), label(m)) for i, m in enumerate(months)]
    rows = [
        (label(m), [percent(values[i]) for _, _, values in series]) for i, m in enumerate(months)
    ]
    ticks = [(round(top + plot * (1 - v), 1), f"{v * 100:.0f}%") for v in (0, 0.5, 1)]
    return LineChart(width, height, top + plot, top, lines, labels, rows, ticks)
