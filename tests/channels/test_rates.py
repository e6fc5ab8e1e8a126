"""The property 三率 (issue 12 §2): the formulas at their boundaries, the compounds pulling a
rate down and why, the demo's figures per community and for the subdistrict, the page with
its formulas and the target, and its exports."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from deliberation.models import CommitteeBody, Compound, Organization
from deliberation.selectors.rates import Rate, committee_gap, percent_text, three_rates
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db
K = Organization.Kind
TODAY = date(2026, 12, 2)


@pytest.mark.parametrize(
    ("counted", "total", "meets", "text"),
    [
        (9, 10, True, "90.0%"),  # exactly the target
        (90, 100, True, "90.0%"),
        (8999, 10000, False, "90.0%"),  # shown rounded, but short of the target
        (8, 9, False, "88.9%"),
        (10, 10, True, "100.0%"),
        (0, 3, False, "0.0%"),
    ],
)
def test_target_at_its_boundary(counted: int, total: int, meets: bool, text: str) -> None:
    rate = Rate("committee", counted=counted, total=total)
    assert rate.value == Fraction(counted, total)
    assert rate.meets_target is meets
    assert rate.percent == text


def test_no_compound_no_rate() -> None:
    rate = Rate("service")
    assert rate.value is None and not rate.meets_target and rate.percent == "—"
    assert percent_text(Fraction(1999, 2000)) == "100.0%"  # half up on the exact fraction


@pytest.mark.parametrize(
    ("kind", "term_end", "pm_in_office", "gap"),
    [
        (K.OWNERS_COMMITTEE, None, False, ""),
        (K.OWNERS_COMMITTEE, TODAY, False, ""),  # the term's last day still counts
        (K.OWNERS_COMMITTEE, TODAY - timedelta(days=1), False, "term_ended"),
        (K.OWNERS_COMMITTEE, TODAY - timedelta(days=1), True, ""),  # a 物管会 took over
        (K.PROPERTY_MANAGEMENT_COMMITTEE, None, False, ""),
        (None, None, False, "none"),
        (None, None, True, ""),
    ],
)
def test_what_counts_as_a_committee(
    kind: str | None, term_end: date | None, pm_in_office: bool, gap: str
) -> None:
    assert committee_gap(kind, term_end, pm_in_office, TODAY) == gap


def test_demo_rates_read_like_the_subdistricts_account(demo: Demo) -> None:
    rates = three_rates()
    total = rates.subdistrict
    assert total.compounds == Compound.objects.count() == 55
    got = {k: (r.counted, r.total) for k, r in total.rates.items()}
    assert got == {"committee": (50, 55), "service": (53, 55), "party": (49, 55)}
    assert [r.meets_target for r in total.rates.values()] == [True, True, False]
    by_name = {a.name: a for a in rates.communities}
    assert by_name["团结湖北里社区"].rates["committee"].percent == "84.2%"  # 16 / 19
    assert not by_name["团结湖北里社区"].rates["committee"].meets_target
    assert by_name["团结湖中路社区"].rates["service"].percent == "88.9%"  # 16 / 18
    assert by_name["水碓子社区"].rates["party"].percent == "77.8%"  # 14 / 18
    # the market firms serve three compounds; the rest are self-managed or not handed over
    modes = list(Compound.objects.values_list("management_mode", flat=True))
    assert modes.count("market_firm") == 3 and modes.count("none") == 2


def test_the_compounds_pulling_each_rate_down_and_why(demo: Demo) -> None:
    total = three_rates().subdistrict
    gaps = {k: {c.name: c.reason(k) for c in r.pulling_down} for k, r in total.rates.items()}
    assert set(gaps["service"]) == {"中路北六条", "中路南二条（示例）"}
    with translation.override("zh-hans"):
        why = {c.name: c.reason("service") for c in total.rates["service"].pulling_down}
    assert why["中路北六条"] == "无物业服务（既无物业企业也无产权单位自管）"
    assert {"轻工宿舍", "水碓子东里", "团结湖北里直管公房", "北里7号院（示例）"} <= set(
        gaps["committee"]
    )
    assert "团结公寓" not in gaps["committee"] and "中路北六条" not in gaps["committee"]
    assert "中路北六条" in gaps["party"]  # no provider; its 物管会 has no Party organization
    assert {f"水碓子研究所宿舍{i}区（示例）" for i in range(1, 5)} <= set(gaps["party"])
    assert "团结公寓" not in gaps["party"]  # its firm is in the alliance's joint branch


def test_the_data_moves_the_rates(demo: Demo) -> None:
    """A 物管会 formed for 轻工宿舍 counts; dissolved, it no longer does; an owners'
    committee whose term has ended does not count; a joint branch covering a provider
    brings its compounds in."""
    qinggong = demo.qinggong
    pmc = Organization.objects.create(
        name="轻工宿舍物业管理委员会",
        kind=K.PROPERTY_MANAGEMENT_COMMITTEE,
        subdistrict=qinggong.community.subdistrict,
    )
    body = CommitteeBody.objects.create(
        kind=CommitteeBody.Kind.PM_COMMITTEE,
        compound=qinggong,
        organization=pmc,
        formed_on=timezone.localdate(),
    )
    assert three_rates().subdistrict.rates["committee"].counted == 51
    body.dissolved_on = timezone.localdate()
    body.save()
    assert three_rates().subdistrict.rates["committee"].counted == 50
    tuanjie_committee = demo.tuanjie.owners_committee
    tuanjie_committee.term_end = timezone.localdate() - timedelta(days=1)
    tuanjie_committee.save()
    committee_rate = three_rates().subdistrict.rates["committee"]
    assert committee_rate.counted == 49
    with translation.override("zh-hans"):
        why = {c.name: c.reason("committee") for c in committee_rate.pulling_down}
    assert why["团结公寓"] == "业委会任期已满（应换届）"
    Organization.objects.filter(name="仪器研究所后勤服务中心（示例产权单位）").update(
        party_coverage=Organization.PartyCoverage.JOINT, party_branch_name="联合党支部"
    )
    assert three_rates().subdistrict.rates["party"].counted == 53


def test_page_shows_rates_formulas_target_and_gaps(demo: Demo) -> None:
    response = login_client(demo.user("jiedao")).get(reverse("rates"))
    assert response.status_code == 200
    html = response.content.decode()
    subdistrict = html.split('id="rates-subdistrict"')[1].split("</tr>")[0]
    assert "90.9%" in subdistrict and "96.4%" in subdistrict and "89.1%" in subdistrict
    assert "(50/55)" in subdistrict
    assert "水碓子研究所宿舍1区（示例）" in html.split('id="gaps-party-list"')[1]
    assert "我们对街道要求的理解" in html  # no official formula: our reading, said so
    assert "90.0%" in html  # the target
    for marker in ("YISHI_", "LAW.md", ".py", "[P]"):
        assert marker not in html


@pytest.mark.parametrize(
    ("username", "status"),
    [("jiedao", 200), ("shuji", 200), ("wuye", 200), ("yeweihui", 200), ("jumin", 403)],
)
def test_page_access(demo: Demo, username: str, status: int) -> None:
    assert login_client(demo.user(username)).get(reverse("rates")).status_code == status


def test_rates_export_as_csv_and_excel(demo: Demo) -> None:
    client = login_client(demo.user("jiedao"))
    response = client.get(reverse("rates-export", args=["rates", "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["地区", "小区"]
    assert len(rows) == 1 + 1 + 3  # header, the subdistrict, three communities
    assert rows[1][1] == "55" and rows[1][2] == "90.9%"
    gaps = client.get(reverse("rates-export", args=["gaps", "xlsx"]))
    assert gaps.status_code == 200
    sheet = load_workbook(io.BytesIO(gaps.content)).active
    cells = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    assert len(cells) == 1 + 5 + 2 + 6  # header and every compound pulling a rate down
    assert any(row[2] == "中路北六条" for row in cells[1:])
    assert client.get(reverse("rates-export", args=["nope", "csv"])).status_code == 404
    assert client.get(reverse("rates-export", args=["rates", "pdf"])).status_code == 404
    refused = login_client(demo.user("jumin")).get(reverse("rates-export", args=["rates", "csv"]))
    assert refused.status_code == 403
