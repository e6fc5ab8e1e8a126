"""The rising-trend alarm (issue 12 §3): 团结公寓's hotline cases rose three complete months in
a row, so the periodic sweep gives its community a task — once per compound and month — and
the community acknowledges it with a planned response through the one action endpoint."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import actions
from deliberation.demo.indicators import seed_indicators
from deliberation.models import Event, Issue, TrendAlarm
from deliberation.periodic import JOBS
from deliberation.services.trend_alarms import complete_months, raise_trend_alarms
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def rising(demo: Demo) -> Demo:
    Issue.objects.filter(hotline_ticket__startswith="DEMO-").delete()
    TrendAlarm.objects.all().delete()
    seed_indicators()
    return demo


def test_the_sweep_raises_one_alarm_per_compound_and_month(rising: Demo) -> None:
    assert "trend_alarms" in JOBS
    assert raise_trend_alarms() == 1
    assert raise_trend_alarms() == 0  # idempotent
    [alarm] = TrendAlarm.objects.all()
    assert alarm.compound == rising.tuanjie
    assert alarm.month == complete_months(timezone.localdate())[-1]
    assert alarm.counts.endswith("4 → 6 → 9")
    assert alarm.due > timezone.now()
    # the community's task lists were told to refresh
    topics = set(Event.objects.values_list("topic", flat=True))
    community = rising.tuanjie.community
    assert f"org:{community.residents_committee_id}:inbox" in topics


def test_no_alarm_without_three_rises(rising: Demo) -> None:
    """A month earlier, 团结公寓 had risen only twice in a row (3, 2, 4, 6)."""
    today = complete_months(timezone.localdate())[-1]  # some day of last month
    assert raise_trend_alarms(today=today) == 0
    assert not TrendAlarm.objects.exists()


def _tasks(user) -> list:
    return [t for t in actions.tasks_for(user) if t.kind.name == "trend_alarm"]


def test_it_is_a_task_for_the_compounds_community_only(rising: Demo) -> None:
    raise_trend_alarms()
    for username in ("shuji", "juwei"):  # 中路 community: 团结公寓
        [task] = _tasks(rising.user(username))
        assert "团结公寓" in task.title
    for username in ("shuji2", "juwei2", "wuye", "yeweihui", "jumin", "jiedao"):
        assert _tasks(rising.user(username)) == [], username
    html = login_client(rising.user("juwei")).get(reverse("home")).content.decode()
    assert "应对诉求上升趋势" in html


def test_the_community_acknowledges_with_a_plan(rising: Demo) -> None:
    raise_trend_alarms()
    alarm = TrendAlarm.objects.get()
    url = reverse("action", args=["trend_alarm", alarm.pk, "acknowledge"])
    juwei = login_client(rising.user("juwei"))
    empty = juwei.post(url, {"acknowledge-plan": "   "})
    assert empty.status_code == 400
    assert TrendAlarm.objects.get().acknowledged_at is None
    assert (
        login_client(rising.user("juwei2")).post(url, {"acknowledge-plan": "x"}).status_code == 403
    )
    assert (
        login_client(rising.user("jumin")).post(url, {"acknowledge-plan": "x"}).status_code == 403
    )
    done = juwei.post(url, {"acknowledge-plan": "召开议事会，请物业说明电梯维修计划。"})
    assert done.status_code == 302
    alarm.refresh_from_db()
    assert alarm.acknowledged_by == rising.user("juwei")
    assert alarm.response_plan == "召开议事会，请物业说明电梯维修计划。"
    again = login_client(rising.user("shuji")).post(url, {"acknowledge-plan": "再次确认"})
    assert again.status_code == 409
    assert TrendAlarm.objects.get().response_plan == "召开议事会，请物业说明电梯维修计划。"
    assert _tasks(rising.user("shuji")) == []
    page = login_client(rising.user("shuji")).get(reverse("indicators")).content.decode()
    assert f'id="alarm-{alarm.pk}"' in page and "召开议事会" in page


def test_the_alarm_month_is_the_last_complete_month() -> None:
    assert complete_months(date(2026, 3, 15)) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
