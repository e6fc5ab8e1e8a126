"""The published results: an organization's history with its chart, the property-service
alliance, the results partial (docs/law.md §9). Public, and only what was published."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from deliberation.models import Compound, EvaluationCycle, EvaluationResult, Organization, User
from deliberation.selectors.evaluation_results import latest_published, results_table
from deliberation.services.evaluations.scoring import compute_results
from tests.support.demo import Demo
from tests.support.evaluations import cycle


def _personal_data() -> list[str]:
    """Names and phone numbers of the demo's people: never on a public page."""
    people = User.objects.exclude(Q(display_name="") & Q(phone=""))
    return [v for u in people for v in (u.display_name, u.phone) if v]


def test_the_demo_history_of_a_firm_is_public_with_a_chart_and_both_cycles(demo: Demo) -> None:
    firm = demo.tuanjie.property_provider
    assert firm is not None
    page = Client().get(reverse("evaluation-history", args=[firm.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="history-2025-2"' in html and 'id="history-2026-1"' in html
    assert "<svg" in html and "社区评价红黑榜" in html
    for score in EvaluationResult.objects.filter(organization=firm, compound=None).values_list(
        "score", flat=True
    ):
        assert str(score) in html
    assert not [v for v in _personal_data() if v in html]


def test_an_unpublished_cycle_is_not_in_the_history(demo: Demo) -> None:
    firm = demo.tuanjie.property_provider
    assert firm is not None
    the_cycle = cycle(2024, 2)
    compute_results(cycle=the_cycle)
    assert the_cycle.status == EvaluationCycle.Status.SCORING
    html = Client().get(reverse("evaluation-history", args=[firm.pk])).content.decode()
    assert 'id="history-2024-2"' not in html


def test_the_history_of_something_not_evaluated_is_not_found(demo: Demo) -> None:
    committee = Organization.objects.get(name="团结湖中路社区居委会")
    assert Client().get(reverse("evaluation-history", args=[committee.pk])).status_code == 404


def test_the_alliance_lists_its_members_with_their_latest_grade(demo: Demo) -> None:
    page = Client().get(reverse("service-alliance"))
    assert page.status_code == 200
    html = page.content.decode()
    members = Organization.objects.filter(in_service_alliance=True)
    assert members.exists()
    for member in members:
        assert f'id="member-{member.pk}"' in html
    firm = demo.tuanjie.property_provider
    latest = EvaluationResult.objects.get(
        organization=firm, compound=None, cycle__year=2026, cycle__half=1
    )
    assert latest.grade and f"{latest.score}" in html
    assert not [v for v in _personal_data() if v in html]


def test_the_results_partial_shows_rank_grade_list_and_breakdown(demo: Demo) -> None:
    the_cycle = EvaluationCycle.objects.get(year=2026, half=1)
    rows = results_table(the_cycle)
    ranks = [r.result.rank for r in rows]
    scored = [rank for rank in ranks if rank is not None]
    assert scored and ranks == sorted(scored) + [None] * (len(ranks) - len(scored))  # unscored last
    html = render_to_string("evaluations/_results.html", {"rows": rows, "breakdown": True})
    for row in rows:
        assert row.organization.name in html
        assert f"evaluation-results-breakdown-{row.organization.pk}" in html
    office = Organization.objects.get(name="朝阳区房管局第十二管理所")
    office_row = next(r for r in rows if r.organization == office)
    served = Compound.objects.filter(property_provider=office)
    assert [c.compound for c in office_row.compounds] == sorted(served, key=lambda c: c.name)
    assert office_row.result.score is not None and office_row.result.score > Decimal(0)


def test_latest_published_gives_each_firms_newest_published_result(demo: Demo) -> None:
    firm = demo.tuanjie.property_provider
    assert firm is not None
    compute_results(cycle=cycle(2026, 2))  # scored, not published: left out
    latest = latest_published([firm.pk])
    assert (latest[firm.pk].cycle.year, latest[firm.pk].cycle.half) == (2026, 1)
