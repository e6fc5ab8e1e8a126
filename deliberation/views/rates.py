"""The property 三率, the classified-management view (staff), and a compound's public
figures (anyone, no login: aggregates only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from deliberation import policy
from deliberation.indicator_forms import RangeForm
from deliberation.models import Compound
from deliberation.selectors.classified import Classified, classified_for
from deliberation.selectors.indicator_tables import (
    CLASSIFIED_TABLES,
    RATE_TABLES,
    classified_table,
    rates_table,
)
from deliberation.selectors.indicators import RISES, OnTime, compute
from deliberation.selectors.rates import three_rates
from deliberation.table_export import FORMATS, export_response
from deliberation.views.indicators import bad_range, charts


@login_required
@require_safe
def rates_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "rates.view")
    return render(request, "indicators/rates.html", {"rates": three_rates()})


@login_required
@require_safe
def rates_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    policy.require(request.user, "rates.view")
    if table not in RATE_TABLES or fmt not in FORMATS:
        raise Http404
    return export_response(rates_table(three_rates(), table), fmt)


def _classified(request: HttpRequest) -> tuple[RangeForm, Classified | None]:
    form = RangeForm(request.GET)
    if not form.is_valid():
        return form, None
    view = classified_for(
        request.user, first=form.cleaned_data["first"], last=form.cleaned_data["last"]
    )
    return form, view


@login_required
@require_safe
def classified_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "rates.view")
    form, view = _classified(request)
    if form.errors:
        return bad_range(request, form)
    context = {"view": view, "form": form.shown(), "query": request.GET.urlencode()}
    return render(request, "indicators/classified.html", context)


@login_required
@require_safe
def classified_export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    policy.require(request.user, "rates.view")
    if table not in CLASSIFIED_TABLES or fmt not in FORMATS:
        raise Http404
    form, view = _classified(request)
    if form.errors:
        return bad_range(request, form)
    if view is None:
        raise Http404
    return export_response(classified_table(view), fmt)


@require_safe
def public_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """A compound's figures for its residents, no login: counts, rates and the trend; no
    names, phones, units or notes (and no party's name)."""
    compound = get_object_or_404(Compound.objects.only("id", "name", "households"), pk=pk)
    policy.require(request.user, "indicators.public", compound)
    data = compute(Q(compound_id=compound.pk), Q(pk=compound.pk))
    on_time = OnTime()
    for party in data.parties:  # summed: the public page names no party
        for name in OnTime.__dataclass_fields__:
            setattr(on_time, name, getattr(on_time, name) + getattr(party.on_time, name))
    row = data.compounds[0] if data.compounds else None
    context = {
        "compound": compound,
        "data": data,
        "row": row,
        "on_time": on_time,
        "rises": RISES,
        **charts(data),
    }
    return render(request, "indicators/public.html", context)
