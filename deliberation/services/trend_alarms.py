"""The rising-trend alarm: a compound's hotline cases rose month on month (团结公寓's pattern),
so its community is given a task — acknowledge it and plan a response by a due date.

Raised by a periodic sweep, once per compound and month (the last complete month of the
rise): running the sweep again, or on another worker, changes nothing (docs/law.md §7b).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.live.refresh import refresh_tasks
from deliberation.models import Compound, Issue, TrendAlarm, User
from deliberation.periodic import periodic
from deliberation.selectors.indicators import RISES, month_list, next_month, rising

#: Days the community has to acknowledge the rise and plan a response [P].
RESPONSE_DAYS = 7


def complete_months(today: date) -> list[date]:
    """The ``RISES + 1`` complete months before the current one, oldest first."""
    return month_list(today, RISES + 2)[:-1]


def rising_compounds(today: date) -> dict[int, list[int]]:
    """Compounds whose count rose in each of the last ``RISES`` complete months, with their
    counts (one query)."""
    months = complete_months(today)
    start = timezone.make_aware(datetime(months[0].year, months[0].month, 1))
    end = timezone.make_aware(datetime.combine(next_month(months[-1]), datetime.min.time()))
    counts: dict[int, dict[date, int]] = {}
    rows = (
        Issue.objects.filter(compound__isnull=False, created_at__gte=start, created_at__lt=end)
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("compound_id", "month")
        .annotate(n=Count("id"))
    )
    for row in rows:
        month = (
            timezone.localtime(row["month"]) if timezone.is_aware(row["month"]) else row["month"]
        )
        counts.setdefault(row["compound_id"], {})[date(month.year, month.month, 1)] = row["n"]
    out = {}
    for compound_id, by_month in counts.items():
        series = [by_month.get(m, 0) for m in months]
        if rising(series, partial_last=False):
            out[compound_id] = series
    return out


def community_organizations(compound: Compound) -> list[int]:
    community = compound.community
    return [o for o in (community.party_committee_id, community.residents_committee_id) if o]


@periodic("trend_alarms")
def raise_trend_alarms(today: date | None = None) -> int:
    """One alarm per rising compound and month; returns how many were raised now."""
    today = today or timezone.localdate()
    month = complete_months(today)[-1]
    rises = rising_compounds(today)
    if not rises:
        return 0
    raised = 0
    compounds = Compound.objects.select_related("community").filter(pk__in=list(rises))
    for compound in compounds:
        try:
            with transaction.atomic():
                _alarm, created = TrendAlarm.objects.get_or_create(
                    compound=compound,
                    month=month,
                    defaults={
                        "counts": " → ".join(str(n) for n in rises[compound.pk]),
                        "due": timezone.now() + timedelta(days=RESPONSE_DAYS),
                    },
                )
                if created:  # the community's task list shows it from now on
                    refresh_tasks(organizations=community_organizations(compound))
        except IntegrityError:  # another worker raised it at the same moment
            created = False
        raised += int(created)
    return raised


@transaction.atomic
def acknowledge(*, actor: User, alarm: TrendAlarm, plan: str) -> TrendAlarm:
    """The community acknowledges the rise with its planned response (one winner)."""
    policy.require(actor, "trend_alarm.acknowledge", alarm)
    plan = plan.strip()
    if not plan:
        raise InvalidInput(
            _("Say what the community will do about the rise."),
            fields={"plan": [_("Say what the community will do about the rise.")]},
        )
    locked = TrendAlarm.objects.select_for_update().get(pk=alarm.pk)
    if locked.acknowledged_at is not None:
        raise Conflict(_("This rise was already acknowledged."))
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.response_plan = plan
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "response_plan"])
    return locked
