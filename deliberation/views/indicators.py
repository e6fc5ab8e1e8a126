"""The indicators page for staff: rates per party and compound, monthly counts, signals,
over a range of months, and every table as CSV and Excel."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.indicator_forms import RangeForm
from deliberation.selectors.indicator_tables import INDICATOR_TABLES, indicator_table
from deliberation.selectors.indicators import MONTHS, RISES, Indicators, alarms_for, indicators_for
from deliberation.svg_charts import bar_chart, line_chart
from deliberation.table_export import FORMATS, export_response


def charts(data: Indicators) -> dict[str, Any]:
    """Each compound's bars (the rise flagged, the partial month marked) and the rates'
    lines."""
    months = data.months
    complete = len(months) - (1 if data.partial else 0)
    for row in data.compounds:
        flagged = frozenset(range(complete - RISES, complete)) if row.signal else frozenset()
        row.chart = bar_chart(  # type: ignore[attr-defined]
            months, row.series(months), flagged=flagged, partial=data.partial
        )
    rates = line_chart(
        months,
        [
            (
                "line-response",
                _("response rate"),
                [data.overall_months[m].response_rate for m in months],
            ),
            (
                "line-resolution",
                _("resolution rate"),
                [data.overall_months[m].resolution_rate for m in months],
            ),
            (
                "line-satisfaction",
                _("satisfaction rate"),
                [data.overall_months[m].satisfaction_rate for m in months],
            ),
        ],
        partial=data.partial,
    )
    return {"rates_chart": rates, "signals": [r for r in data.compounds if r.signal]}


def bad_range(request: HttpRequest, form: RangeForm) -> HttpResponse:
    """The page with the message and nothing computed from the refused range (400)."""
    context = {"form": form, "data": None, "range_error": form.message(), "rises": RISES}
    return render(request, "indicators/page.html", context, status=400)


@login_required
@require_safe
def indicators_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "indicators.view")
    form = RangeForm(request.GET)
    if not form.is_valid():
        return bad_range(request, form)
    data = indicators_for(
        request.user, first=form.cleaned_data["first"], last=form.cleaned_data["last"]
    )
    context: dict = {"data": data, "form": form.shown(), "months_shown": MONTHS, "rises": RISES}
    if data is not None:
        context.update(charts(data))
        for party in data.parties:  # a party's name opens its inbox, for whoever may see it
            party.inbox = party.key is not None and policy.can(  # type: ignore[attr-defined]
                request.user, "work_order.inbox", party.key
            )
        context["alarms"] = alarms_for(request.user)
        context["query"] = request.GET.urlencode()
        context["tables"] = INDICATOR_TABLES
    return render(request, "indicators/page.html", context)


@login_required
@require_safe
def indicators_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    """One table of the page, over the same range and in the same scope as the page."""
    policy.require(request.user, "indicators.view")
    if table not in INDICATOR_TABLES or fmt not in FORMATS:
        raise Http404
    form = RangeForm(request.GET)
    if not form.is_valid():
        return bad_range(request, form)
    data = indicators_for(
        request.user, first=form.cleaned_data["first"], last=form.cleaned_data["last"]
    )
    if data is None:
        raise Http404
    return export_response(indicator_table(data, table), fmt)
