"""The district seeder (``python -m bench.district``, issue 14 part 4) at a tiny scale on the
suite's own database: its rows hang together, the demo's people can open every list page
over it, and the pages' query counts do not change when the district doubles."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F

from bench.district import PAGES, measure_pages, seed_district
from deliberation.models import Compound, Event, Issue, Organization, Residency, WorkOrder

pytestmark = pytest.mark.django_db


def _consistent() -> None:
    with connection.cursor() as cur:  # the foreign keys are deferred: check them now
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")
    generated = Issue.objects.filter(description__startswith="模拟问题")
    assert generated.exists()
    # Every order belongs to its issue's compound and is its compound's firm's to do; an
    # issue has one if and only if it was dispatched.
    orders = WorkOrder.objects.filter(title__startswith="模拟工单")
    assert not orders.exclude(compound_id=F("issue__compound_id")).exists()
    assert not orders.exclude(responsible_id=F("compound__property_provider_id")).exists()
    assert not generated.filter(status__in=["new", "awaiting_session"], work_orders__isnull=False)
    assert not generated.exclude(status__in=["new", "awaiting_session"]).filter(
        work_orders__isnull=True
    )
    assert not generated.filter(status="closed", closure_reason="").exists()
    # Reporters live where they report; firms serve compounds of their own subdistrict.
    assert not generated.filter(reporter__isnull=False).exclude(
        reporter__residencies__unit__building__compound=F("compound")
    )
    firms = Organization.objects.filter(kind="property_firm", name__startswith="模拟")
    assert firms.exists()
    assert not Compound.objects.filter(property_provider__in=firms).exclude(
        community__subdistrict=F("property_provider__subdistrict")
    )
    assert Residency.objects.filter(user__username__startswith="d").exists()
    assert Event.objects.filter(kind="district.history").exists()


def test_a_tiny_district_hangs_together_and_its_pages_keep_their_query_counts(demo) -> None:
    # Every list of the demo's people holds rows of every status from the first scale on
    # (an empty section skips its page query: that is not growth).
    small = seed_district(0.0004, log=lambda _: None)
    assert small["rows"]["issues"] == 400 and small["rows"]["events"] == 4000
    _consistent()
    at_small = measure_pages(repeat=1, explain=False)
    assert [r["status"] for r in at_small] == [200] * len(PAGES), at_small

    seed_district(0.0008, log=lambda _: None)  # twice as much again
    _consistent()
    at_double = measure_pages(repeat=1, explain=False)
    assert {r["page"]: r["queries"] for r in at_double} == {
        r["page"]: r["queries"] for r in at_small
    }
