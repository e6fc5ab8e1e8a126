"""The rising-trend alarm as a task for the compound's community (its Party committee and
residents' committee): acknowledge the rise and plan a response by the due date."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.live.topics import topic
from deliberation.models import TrendAlarm, User
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.services import trend_alarms as services

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind


class PlanForm(forms.Form):
    plan = forms.CharField(
        label=gettext_lazy("Planned response"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "For example: a consultation session with the property firm on the elevator."
        ),
    )


def _alarms() -> Any:
    return TrendAlarm.objects.select_related("compound__community")


def _candidates(p: Principal) -> Iterable[TrendAlarm]:
    """Open alarms in the compounds the person's community committees serve."""
    mine = [c for c in p.served_compounds if p.serves(c, *COMMUNITY_KINDS)]
    if not mine:
        return []
    return (
        _alarms()
        .filter(acknowledged_at__isnull=True, compound_id__in=mine)
        .order_by("due", "id")[:500]
    )


def _title(alarm: TrendAlarm) -> str:
    return _("%(compound)s · hotline cases rising (%(counts)s)") % {
        "compound": alarm.compound.name,
        "counts": alarm.counts,
    }


declare_kind(
    ObjectKind(
        name="trend_alarm",
        model=TrendAlarm,
        label=pgettext_lazy("kind", "rising-trend alarm"),
        load=lambda pk: _alarms().filter(pk=pk).first(),
        page_url=lambda a: reverse("indicators") + f"#alarm-{a.pk}",
        audience=lambda a: Audience(
            topics=(topic("compound", a.compound_id, "public"),),
            organizations=tuple(services.community_organizations(a.compound)),
        ),
        task_candidates=_candidates,
        title=_title,
    )
)


def _acknowledge(alarm: TrendAlarm, actor: User, data: dict[str, Any]) -> Outcome:
    done = services.acknowledge(actor=actor, alarm=alarm, plan=data["plan"])
    return Outcome(
        _(
            "The rise in %(compound)s is acknowledged (%(month)s); "
            "the planned response is on record."
        )
        % {"compound": done.compound.name, "month": date_format(done.month, "Y-m")}
    )


declare(
    Action(
        kind="trend_alarm",
        name="acknowledge",
        rule="trend_alarm.acknowledge",
        label=pgettext_lazy("indicators action", "Acknowledge and plan a response"),
        help=gettext_lazy("Hotline cases in this compound rose three months in a row."),
        form=PlanForm,
        run=_acknowledge,
        when=lambda a: a.acknowledged_at is None,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda a: a.due,
        task_label=gettext_lazy("Respond to a rising trend"),
    )
)
