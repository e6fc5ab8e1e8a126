"""The indicators page for staff: rates per party and compound, monthly counts, signals."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.selectors.indicators import MONTHS, RISES, indicators_for
from deliberation.svg_charts import bar_chart, line_chart


@login_required
@require_safe
def indicators_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "indicators.view")
    data = indicators_for(request.user)
    context: dict = {"data": data, "months_shown": MONTHS, "rises": RISES}
    if data is not None:
        months = data.months
        complete = len(months) - 1
        for row in data.compounds:
            flagged = frozenset(range(complete - RISES, complete)) if row.signal else frozenset()
            row.chart = bar_chart(months, row.series(months), flagged=flagged)  # type: ignore[attr-defined]
        context["rates_chart"] = line_chart(
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
        )
        context["signals"] = [r for r in data.compounds if r.signal]
        for party in data.parties:  # a party's name opens its inbox, for whoever may see it
            party.inbox = party.key is not None and policy.can(  # type: ignore[attr-defined]
                request.user, "work_order.inbox", party.key
            )
    return render(request, "indicators/page.html", context)
