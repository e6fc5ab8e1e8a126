"""Indicators: formulas, closure reasons kept apart, the rising signal, scope, fixed queries."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deliberation.demo.indicators import seed_indicators
from deliberation.models import Compound, Issue, Organization
from deliberation.selectors.indicators import Figures, indicators_for, month_list, rising
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db
C = Issue.ClosureReason
R = Issue.Rating


def test_rates_follow_the_documented_formulas(settings: Any) -> None:
    f = Figures(total=10, not_counted=2, responded=6, resolved=4, satisfied=3, basically=2, rated=5)
    assert f.valid == 8
    assert f.response_rate == 6 / 8 and f.resolution_rate == 4 / 8
    assert f.satisfaction_rate == pytest.approx((3 + 0.9 * 2) / 5)
    assert f.composite == pytest.approx(100 * (0.1 * 0.75 + 0.5 * 0.5 + 0.4 * 0.96))
    assert (f.response_pct, f.resolution_pct, f.satisfaction_pct) == ("75.0%", "50.0%", "96.0%")
    settings.YISHI_INDICATOR_WEIGHTS = {
        "response": 0.2,
        "resolution": 0.4,
        "satisfaction": 0.4,
        "basically_satisfied": 0.8,
    }
    assert f.satisfaction_rate == pytest.approx((3 + 0.8 * 2) / 5)
    assert f.composite == pytest.approx(100 * (0.2 * 0.75 + 0.4 * 0.5 + 0.4 * (4.6 / 5)))
    assert Figures().composite is None and Figures().response_pct == "—"


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ([1, 2, 3, 4, 0], True),  # three rises over complete months; current month ignored
        ([5, 2, 3, 4, 9], False),  # only two rises before the current month
        ([1, 2, 2, 4, 5], False),  # a flat month breaks the run
        ([2, 3, 2, 4, 6, 9, 1], True),
        ([4, 5, 6], False),  # not enough complete months
    ],
)
def test_rising_signal(counts: list[int], expected: bool) -> None:
    assert rising(counts) is expected


def make_issues(compound: Compound, party: Organization, n: int, when: datetime, **kw: Any) -> None:
    Issue.objects.bulk_create(
        Issue(
            channel=Issue.Channel.HOTLINE,
            description=f"测试{i}",
            compound=compound,
            responsible=party,
            **kw,
        )
        for i in range(n)
    )
    Issue.objects.filter(
        description__startswith="测试", created_at__gte=timezone.now() - timedelta(minutes=5)
    ).update(created_at=when)


def _fresh(demo: Demo) -> Any:
    Issue.objects.filter(hotline_ticket__startswith="DEMO-").delete()
    return demo


def test_closure_reasons_are_kept_apart(demo: Demo) -> None:
    _fresh(demo)
    Issue.objects.all().delete()
    compound = demo.tuanjie
    firm = compound.property_provider
    now = timezone.now()
    for reason, rating in [
        (C.FIXED, R.SATISFIED),
        (C.FIXED, R.BASICALLY_SATISFIED),
        (C.NOT_FIXED, R.DISSATISFIED),
        (C.DUPLICATE, ""),
        (C.NOT_OUR_RESPONSIBILITY, ""),
        (C.NO_FURTHER_ACTION, ""),
    ]:
        Issue.objects.create(
            channel=Issue.Channel.WEB,
            description=reason,
            compound=compound,
            responsible=firm,
            status=Issue.Status.CLOSED,
            closure_reason=reason,
            rating=rating,
            closed_at=now,
        )
    Issue.objects.create(
        channel=Issue.Channel.WEB,
        description="open",
        compound=compound,
        responsible=firm,
        responded_at=now,
        status=Issue.Status.IN_PROGRESS,
    )
    data = indicators_for(demo.user("jiedao"))
    assert data is not None
    [party] = [p for p in data.parties if p.key == firm.pk]
    f = party.figures
    assert (f.total, f.valid, f.responded, f.resolved, f.rated) == (7, 5, 5, 2, 3)
    assert f.satisfaction_rate == pytest.approx((1 + 0.9) / 3)


def test_scope_by_role(demo: Demo) -> None:
    _fresh(demo)
    seed_indicators()
    everyone = indicators_for(demo.user("jiedao"))
    community = indicators_for(demo.user("juwei"))  # 团结湖中路社区: 团结公寓, 中路北六条
    firm = indicators_for(demo.user("wuye"))  # 京朝物业: its own issues
    assert everyone and community and firm
    names = lambda d: {r.name for r in d.compounds}  # noqa: E731
    assert {"团结公寓", "轻工宿舍", "团结湖北里直管公房", "中路北六条"} <= names(everyone)
    assert "轻工宿舍" not in names(community) and "团结公寓" in names(community)
    assert {r.name for r in firm.parties} == {demo.tuanjie.property_provider.name}
    assert indicators_for(demo.user("jumin")) is None


def test_demo_story_signals_tuanjie(demo: Demo) -> None:
    _fresh(demo)
    assert seed_indicators() > 40
    assert seed_indicators() == 0  # idempotent
    data = indicators_for(demo.user("jiedao"))
    assert data is not None
    signals = {r.name for r in data.compounds if r.signal}
    assert signals == {"团结公寓"}
    tuanjie = next(r for r in data.compounds if r.name == "团结公寓")
    assert tuanjie.series(data.months)[-4:-1] == [4, 6, 9]


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("jiedao", 200),
        ("juwei", 200),
        ("wuye", 200),
        ("fangguan", 200),
        ("jumin", 403),
        ("yeweihui", 200),  # an owners' committee sees its own compound's figures (issue 12)
        ("wuguanhui", 200),  # so does a property management committee
    ],
)
def test_page_access(demo: Demo, username: str, status: int) -> None:
    assert login_client(demo.user(username)).get(reverse("indicators")).status_code == status


def test_page_shows_figures_charts_and_signal(demo: Demo) -> None:
    _fresh(demo)
    seed_indicators()
    html = login_client(demo.user("jiedao")).get(reverse("indicators")).content.decode()
    assert "<svg" in html and "<rect" in html and "<polyline" in html
    assert 'id="signals"' in html and "团结公寓" in html
    assert "bar-rect flag" in html
    assert "0.9" in html and "0.5" in html  # formulas on the page
    assert "<script" not in html.split("</head>")[1]


def test_page_query_count_is_fixed(demo: Demo) -> None:
    _fresh(demo)
    client = login_client(demo.user("jiedao"))
    compounds = list(Compound.objects.select_related("property_provider")[:4])
    months = month_list()

    def add(total: int) -> None:
        per = total // (len(compounds) * 3)
        for compound in compounds:
            for month in months[-4:-1]:
                make_issues(
                    compound,
                    compound.property_provider,
                    per,
                    timezone.make_aware(datetime(month.year, month.month, 5, 10)),
                    status=Issue.Status.CLOSED,
                    closure_reason=C.FIXED,
                    rating=R.SATISFIED,
                )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("indicators")).status_code == 200
        return len(ctx.captured_queries)

    add(12)
    small = count()
    assert Issue.objects.count() >= 10
    add(1000)
    assert Issue.objects.count() >= 1000
    assert count() == small
    assert small <= 12


@pytest.mark.parametrize(
    ("username", "hotline", "indicators"),
    [
        ("juwei", True, True),
        ("wuye", False, True),
        ("jiedao", True, True),
        ("yeweihui", False, True),
    ],
)
def test_staff_home_links(demo: Demo, username: str, hotline: bool, indicators: bool) -> None:
    html = login_client(demo.user(username)).get(reverse("home")).content.decode()
    assert (reverse("hotline-upload") in html) is hotline
    assert (reverse("indicators") in html) is indicators


def test_demo_history_starts_no_intake_process(demo: Demo) -> None:
    from django.contrib.contenttypes.models import ContentType
    from viewflow.workflow.models import Process

    _fresh(demo)
    seed_indicators()
    history = Issue.objects.filter(hotline_ticket__startswith="DEMO-")
    assert history.exists() and not history.exclude(status=Issue.Status.CLOSED).exists()
    ct = ContentType.objects.get_for_model(Issue)
    ids = [str(pk) for pk in history.values_list("pk", flat=True)]
    assert not Process.objects.filter(artifact_content_type=ct, artifact_object_id__in=ids).exists()
    issue = history.first()
    assert [a.kind for a in issue.activities.all()] == ["reported", "closed"]


def test_party_names_open_their_inbox_for_whoever_may_see_it(demo: Demo) -> None:
    """The subdistrict follows any party from the indicators to its inbox; a firm only its
    own; a committee none (it is no party's member)."""
    seed_indicators()
    firm = demo.tuanjie.property_provider
    link = f'id="party-inbox-{firm.pk}"'
    pages = {u: login_client(demo.user(u)).get(reverse("indicators")) for u in ("jiedao", "wuye")}
    assert all(link in r.content.decode() for r in pages.values())
    jiedao = pages["jiedao"].content.decode()
    assert jiedao.count('id="party-inbox-') > 1  # every party
    assert link not in login_client(demo.user("juwei")).get(reverse("indicators")).content.decode()
    inbox = login_client(demo.user("jiedao")).get(reverse("inbox"), {"org": firm.pk})
    assert inbox.status_code == 200 and f'id="inbox-{firm.pk}"' in inbox.content.decode()
