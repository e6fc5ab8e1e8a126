"""The supervision group's history of escalations (督办记录), filtered by status, reason and
compound. The live overdue list is on the inbox page (``work_orders/_overdue.html``)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_GET

from deliberation import policy
from deliberation.models import Compound, Escalation
from deliberation.selectors.work_orders import ESCALATION_HISTORY_SIZE, escalation_history


class EscalationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("intake", "status"),
        choices=[("", _("all"))] + list(Escalation.Status.choices),
        required=False,
    )
    reason = forms.ChoiceField(
        label=pgettext_lazy("intake", "reason"),
        choices=[("", _("all"))] + list(Escalation.Reason.choices),
        required=False,
    )
    compound = forms.ModelChoiceField(
        label=_("compound"),
        queryset=Compound.objects.order_by("name"),
        required=False,
        empty_label=_("all"),
    )


@login_required
@require_GET
def escalation_history_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "escalation.list", None)
    form = EscalationFilterForm(request.GET or None)
    wanted: dict[str, object] = {}
    status = 200
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            wanted = {
                "status": d["status"],
                "reason": d["reason"],
                "compound": d["compound"].pk if d["compound"] else None,
            }
        else:
            status = 400  # an unknown filter value: say so, show everything
    rows, total = escalation_history(**wanted)  # type: ignore[arg-type]
    context = {"form": form, "rows": rows, "total": total, "limit": ESCALATION_HISTORY_SIZE}
    return render(request, "work_orders/escalations.html", context, status=status)
