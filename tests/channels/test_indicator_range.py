"""The indicators page acted on (issue 12 §3): a validated month range, the current month
shown as partial and kept out of trends, values on the axes, the on-time rate per party,
cases per 100 households, and no developer references."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.demo.indicators import seed_indicators
from deliberation.models import Issue, WorkOrder
from deliberation.selectors.indicators import indicators_for, month_list, rising
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db


def _fresh() -> None:
    Issue.objects.filter(hotline_ticket__startswith="DEMO-").delete()
    seed_indicators()


def _month(d: date) -> str:
    return f"{d:%Y-%m}"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "2026-13"}, "请按“年-月”填写月份，例如 2026-06。"),
        ({"start": "June"}, "请按“年-月”填写月份，例如 2026-06。"),
        ({"end": "1999-01"}, "请按“年-月”填写月份，例如 2026-06。"),
        ({"start": "2026-05", "end": "2026-01"}, "起始月份不能晚于截止月份。"),
        ({"end": "2999-01"}, "截止月份不能晚于本月。"),
        ({"start": "2020-01", "end": "2026-01"}, "最多选择 24 个月。"),
    ],
)
def test_a_bad_range_is_refused_clearly(demo: Demo, query: dict, message: str) -> None:
    client = login_client(demo.user("jiedao"))
    for url in (
        reverse("indicators"),
        reverse("indicators-export", args=["parties", "csv"]),
        reverse("indicators-classified"),
        reverse("classified-export", args=["groups", "xlsx"]),
    ):
        response = client.get(url, query)
        assert response.status_code == 400, url
        html = response.content.decode()
        assert message in html and 'id="range-error"' in html
        assert 'id="overall"' not in html and 'id="classified-grid"' not in html  # nothing shown


def test_a_range_of_complete_months_has_no_partial_month(demo: Demo) -> None:
    _fresh()
    months = month_list()
    first, last = months[-4], months[-2]  # three complete months
    data = indicators_for(demo.user("jiedao"), first=first, last=last)
    assert data is not None and data.months == months[-4:-1] and data.partial is None
    tuanjie = next(r for r in data.compounds if r.name == "团结公寓")
    assert tuanjie.series(data.months) == [4, 6, 9]  # the demo's story, nothing outside
    assert tuanjie.signal is False  # two rises in three months are not three
    html = (
        login_client(demo.user("jiedao"))
        .get(reverse("indicators"), {"start": _month(first), "end": _month(last)})
        .content.decode()
    )
    assert "尚未结束" not in html and 'class="bar-rect partial' not in html


def test_the_current_month_is_partial_and_out_of_the_trend(demo: Demo) -> None:
    _fresh()
    data = indicators_for(demo.user("jiedao"))
    assert data is not None and data.partial == month_list()[-1]
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    current = data.months[-1]
    assert f"{current:%Y-%m} 尚未结束" in html
    assert "partial" in html.split('id="compound-')[1].split("</svg>")[0]
    label = html.split('id="rates-table"')[1].split("</table>")[0]
    assert label.count("*</th>") == 1  # the partial month's row carries the mark
    # a fall in the current month does not break a rise; a jump does not make one
    assert rising([1, 2, 3, 4, 0]) and not rising([3, 3, 3, 3, 99])
    assert rising([1, 2, 3, 4], partial_last=False)


def test_values_on_the_axes(demo: Demo) -> None:
    _fresh()
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    rates = html.split('id="rates-title"')[1].split("</svg>")[0]
    ticks = [t.split(">")[1] for t in rates.split('<text class="tick"')[1:]]
    assert [t.split("<")[0] for t in ticks] == ["0%", "50%", "100%"]
    tuanjie = html.split(f'id="compound-{demo.tuanjie.pk}"')[1].split("</svg>")[0]
    assert '<text class="tick"' in tuanjie and ">9</text>" in tuanjie  # the maximum, 9


def test_no_developer_references_on_the_page(demo: Demo) -> None:
    _fresh()
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    for marker in ("YISHI_", "LAW.md", "law.md", ".py", "[P]", "settings"):
        assert marker not in html, marker


def _order(compound, party, *, respond_by, resolve_by, accepted=None, completed=None, **kw):
    return WorkOrder.objects.create(
        responsible=party,
        title="准时率测试",
        compound=compound,
        respond_by=respond_by,
        resolve_by=resolve_by,
        accepted_at=accepted,
        completed_at=completed,
        **kw,
    )


def test_on_time_rate_per_party(demo: Demo) -> None:
    """Against the respond-by and resolve-by of the party's work orders: a clock still
    running counts neither way; cancelled and sent-back orders are left out."""
    WorkOrder.objects.all().delete()
    tuanjie = demo.tuanjie
    firm = tuanjie.property_provider
    now = timezone.now()
    past, future = now - timedelta(hours=2), now + timedelta(days=2)
    _order(
        tuanjie,
        firm,
        respond_by=past,
        resolve_by=past,
        accepted=past - timedelta(hours=1),
        completed=past - timedelta(minutes=5),
    )  # both on time
    _order(tuanjie, firm, respond_by=past, resolve_by=past, accepted=past + timedelta(hours=1))
    _order(tuanjie, firm, respond_by=past, resolve_by=future)  # late response; still running
    _order(tuanjie, firm, respond_by=future, resolve_by=future)  # nothing due yet
    _order(tuanjie, firm, respond_by=past, resolve_by=past, status=WorkOrder.Status.CANCELLED)
    _order(tuanjie, firm, respond_by=past, resolve_by=past, status=WorkOrder.Status.SENT_BACK)
    data = indicators_for(demo.user("jiedao"))
    assert data is not None
    [party] = [p for p in data.parties if p.key == firm.pk]
    t = party.on_time
    assert (t.orders, t.response_due, t.responded_on_time) == (4, 3, 1)
    assert (t.resolution_due, t.resolved_on_time) == (2, 1)
    assert (t.response_pct, t.resolution_pct) == ("33.3%", "50.0%")
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    row = html.split(f'id="party-inbox-{firm.pk}"')[1].split("</tr>")[0]
    assert "<td>33.3%</td><td>50.0%</td>" in row


def test_cases_per_100_households(demo: Demo) -> None:
    _fresh()
    data = indicators_for(demo.user("jiedao"))
    assert data is not None
    tuanjie = next(r for r in data.compounds if r.name == "团结公寓")
    assert tuanjie.households == demo.tuanjie.households == 48
    assert tuanjie.per_100 == f"{100 * tuanjie.figures.total / 48:.1f}"
    assert data.households == sum(
        c.households for c in type(demo.tuanjie).objects.all()
    )  # the subdistrict's households, compounds without issues too
    start = timezone.make_aware(datetime(data.months[0].year, data.months[0].month, 1))
    assert data.overall.total == Issue.objects.filter(created_at__gte=start).count()


def test_the_form_shows_the_months_in_force_and_the_page_its_name(demo: Demo) -> None:
    months = month_list()
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    assert f'name="start" value="{_month(months[0])}"' in html
    assert f'name="end" value="{_month(months[-1])}"' in html
    assert "<h1>诉求指标</h1>" in html  # the hotline's figures, not the 三率
