"""The tables of the indicator pages as plain rows, for the CSV and Excel downloads (the
pages draw the same figures; a download shows nothing the page does not)."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from deliberation.table_export import Cell, Table

from .classified import Classified
from .indicators import Indicators
from .rates import Rates

INDICATOR_TABLES = ("parties", "compounds", "months")
RATE_TABLES = ("rates", "gaps")
CLASSIFIED_TABLES = ("groups",)


def _month(month: date) -> str:
    return date_format(month, "Y-m")


def _figures_header() -> list[str]:
    return [
        _("Issues"),
        _("Valid"),
        _("Response rate"),
        _("Resolution rate"),
        _("Satisfaction rate"),
        _("Composite score"),
    ]


def indicator_table(data: Indicators, name: str) -> Table:
    span = f"{_month(data.months[0])}_{_month(data.months[-1])}"
    if name == "parties":
        return Table(
            f"indicators-parties-{span}",
            _("By responsible party"),
            [
                _("Responsible party"),
                *_figures_header(),
                _("Work orders"),
                _("Responded on time"),
                _("Resolved on time"),
            ],
            [
                [
                    r.name or _("not yet dispatched"),
                    r.figures.total,
                    r.figures.valid,
                    r.figures.response_pct,
                    r.figures.resolution_pct,
                    r.figures.satisfaction_pct,
                    r.figures.composite_display,
                    r.on_time.orders,
                    r.on_time.response_pct,
                    r.on_time.resolution_pct,
                ]
                for r in data.parties
            ],
        )
    if name == "compounds":
        header = [
            pgettext("indicators", "Compound"),
            _("Households"),
            *_figures_header(),
            _("Cases per 100 households"),
            _("12345 hotline"),
            _("Rising"),
            *[_month(m) + (" " + _("(partial)") if m == data.partial else "") for m in data.months],
        ]
        rows: list[list[Cell]] = [
            [
                r.name or _("no compound"),
                r.households,
                r.figures.total,
                r.figures.valid,
                r.figures.response_pct,
                r.figures.resolution_pct,
                r.figures.satisfaction_pct,
                r.figures.composite_display,
                r.per_100,
                r.figures.hotline,
                _("yes") if r.signal else _("no"),
                *r.series(data.months),
            ]
            for r in data.compounds
        ]
        return Table(f"indicators-compounds-{span}", _("By compound and month"), header, rows)
    return Table(
        f"indicators-months-{span}",
        _("Rates by month"),
        [_("Month"), *_figures_header()],
        [
            [
                _month(m) + (" " + _("(partial)") if m == data.partial else ""),
                f.total,
                f.valid,
                f.response_pct,
                f.resolution_pct,
                f.satisfaction_pct,
                f.composite_display,
            ]
            for m, f in ((m, data.overall_months[m]) for m in data.months)
        ],
    )


def rates_table(rates: Rates, name: str) -> Table:
    areas = [rates.subdistrict, *rates.communities]
    if name == "rates":
        header = [_("Area"), _("Compounds")]
        for key in rates.subdistrict.rates:
            header += [rates.subdistrict.rates[key].name, _("Meets the target")]
        rows = []
        for area in areas:
            row: list[Cell] = [
                area.name or _("The subdistrict"),
                area.compounds,
            ]
            for rate in area.rates.values():
                row += [rate.percent, _("yes") if rate.meets_target else _("no")]
            rows.append(row)
        return Table("property-rates", _("The property rates"), header, rows)
    return Table(
        "property-rates-gaps",
        _("Compounds pulling the rates down"),
        [_("Rate"), _("Community"), pgettext("indicators", "Compound"), _("Why")],
        [
            [rate.name, c.community, c.name, c.reason(rate.key)]
            for rate in rates.subdistrict.rates.values()
            for c in rate.pulling_down
        ],
    )


def classified_table(view: Classified) -> Table:
    return Table(
        "classified-management",
        _("Compounds by category and management mode"),
        [
            _("Category"),
            _("Management mode"),
            _("Compounds"),
            _("Households"),
            *_figures_header(),
            _("Cases per 100 households"),
        ],
        [
            [
                g.category_label,
                g.mode_label,
                g.count,
                g.households,
                g.figures.total,
                g.figures.valid,
                g.figures.response_pct,
                g.figures.resolution_pct,
                g.figures.satisfaction_pct,
                g.figures.composite_display,
                g.per_100,
            ]
            for g in view.groups
        ],
    )
