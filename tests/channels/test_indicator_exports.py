"""Every indicator table exports as CSV and Excel in the page's scope; owners' committees and
property management committees see their own compound (and only theirs); residents see a
compound's aggregate figures without logging in; the classified-management view."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from deliberation.demo.indicators import seed_indicators
from deliberation.models import Compound, Issue, IssueActivity
from deliberation.selectors.indicators import month_list
from deliberation.table_export import Table, csv_response, xlsx_response
from tests.support.clients import login_client
from tests.support.demo import Demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(demo: Demo) -> Demo:
    Issue.objects.filter(hotline_ticket__startswith="DEMO-").delete()
    seed_indicators()
    return demo


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response) -> list[tuple]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _export(user, table: str, fmt: str, **query: str):
    return login_client(user).get(reverse("indicators-export", args=[table, fmt]), query)


def test_each_table_exports_the_pages_figures(seeded: Demo) -> None:
    jiedao = seeded.user("jiedao")
    compounds = _csv(_export(jiedao, "compounds", "csv"))
    header, rows = compounds[0], {r[0]: r for r in compounds[1:]}
    assert header[0] == "小区" and header[-1].endswith("（未满月）")  # the partial month
    tuanjie = rows["团结公寓"]
    assert tuanjie[1] == "48" and tuanjie[header.index("连续上升")] == "是"
    assert tuanjie[-4:-1] == ["4", "6", "9"]
    parties = _xlsx(_export(jiedao, "parties", "xlsx"))
    assert parties[0][0] == "责任单位" and "按时响应率" in parties[0]
    firm = seeded.tuanjie.property_provider.name
    assert any(row[0] == firm for row in parties[1:])
    months = _csv(_export(jiedao, "months", "csv"))
    assert len(months) == 1 + 7 and months[-1][0].endswith("（未满月）")
    html = login_client(jiedao).get(reverse("indicators")).content.decode()
    for table in ("parties", "compounds", "months"):
        for fmt in ("csv", "xlsx"):
            assert reverse("indicators-export", args=[table, fmt]) in html


def test_exports_follow_the_range_and_refuse_unknown_tables(seeded: Demo) -> None:
    jiedao = seeded.user("jiedao")
    months = _csv(_export(jiedao, "months", "csv", start="2026-01", end="2026-03"))
    assert [r[0] for r in months[1:]] == ["2026-01", "2026-02", "2026-03"]
    assert _export(jiedao, "secrets", "csv").status_code == 404
    assert _export(jiedao, "parties", "pdf").status_code == 404
    assert _export(seeded.user("jumin"), "parties", "csv").status_code == 403
    anonymous = Client().get(reverse("indicators-export", args=["parties", "csv"]))
    assert anonymous.status_code == 302


@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("yeweihui", "团结公寓", "中路北六条"), ("wuguanhui", "中路北六条", "团结公寓")],
)
def test_a_committee_sees_its_own_compound_only(
    seeded: Demo, username: str, own: str, other: str
) -> None:
    user = seeded.user(username)
    html = login_client(user).get(reverse("indicators")).content.decode()
    assert own in html and other not in html and "轻工宿舍" not in html
    names = {r[0] for r in _csv(_export(user, "compounds", "csv"))[1:]}
    assert names == {own}
    book = _xlsx(_export(user, "compounds", "xlsx"))
    assert {r[0] for r in book[1:]} == {own}
    compound = Compound.objects.get(name=own)
    count = Issue.objects.filter(compound=compound, created_at__gte=_start(seeded)).count()
    assert f"<dd>{100 * count / compound.households:.1f}</dd>" in html  # its own households


def _start(demo: Demo) -> datetime:
    first = month_list()[0]
    return timezone.make_aware(datetime(first.year, first.month, 1))


def test_a_formula_in_a_name_is_written_as_text() -> None:
    table = Table("t", "表/一:二", ["名称"], [['=HYPERLINK("http://x")', "+1", 3, "普通"]])
    rows = list(csv.reader(io.StringIO(csv_response(table).content.decode("utf-8-sig"))))
    assert rows[1][:2] == ['\'=HYPERLINK("http://x")', "'+1"] and rows[1][2] == "3"
    sheet = load_workbook(io.BytesIO(xlsx_response(table).content)).active
    assert sheet.title == "表 一 二"
    assert [c.data_type for c in sheet[2]][:3] == ["s", "s", "n"]


def test_the_public_figures_need_no_login_and_hold_no_personal_data(seeded: Demo) -> None:
    tuanjie = seeded.tuanjie
    reporter = seeded.user("jumin")
    issue = Issue.objects.create(
        channel=Issue.Channel.WEB,
        description="私密描述：我家2号楼302漏水",
        compound=tuanjie,
        reporter=reporter,
        reporter_name="秘密来电人",
        reporter_phone="13912345678",
        responsible=tuanjie.property_provider,
    )
    IssueActivity.objects.create(issue=issue, kind="note", staff_note="内部备注：勿外传")
    response = Client().get(reverse("public-figures", args=[tuanjie.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="public-figures"' in html and "团结公寓" in html
    total = html.split("<dd>")[2].split("</dd>")[0]
    assert (
        int(total) == Issue.objects.filter(compound=tuanjie, created_at__gte=_start(seeded)).count()
    )
    for private in (
        reporter.display_name,
        "秘密来电人",
        "13912345678",
        "13800000",
        "302",
        "私密描述",
        "内部备注",
        tuanjie.property_provider.name,
        "业主",
    ):
        assert private not in html, private
    assert 'id="public-signal"' in html  # 团结公寓's rise, as a figure
    assert Client().get(reverse("public-figures", args=[999999])).status_code == 404
    other = Client().get(reverse("public-figures", args=[seeded.qinggong.pk])).content.decode()
    assert "团结公寓" not in other


def test_the_classified_view(seeded: Demo) -> None:
    client = login_client(seeded.user("jiedao"))
    html = client.get(reverse("indicators-classified")).content.decode()
    assert '<td id="classified-total">55</td>' in html
    grid = html.split('id="classified-grid"')[1].split("</table>")[0]
    for label in ("区属直管公房", "商品房", "央产", "非经移交", "单位自管"):
        assert label in grid, label
    rows = _xlsx(client.get(reverse("classified-export", args=["groups", "xlsx"])))
    groups = {(r[0], r[1]): r for r in rows[1:]}
    commercial = next(v for k, v in groups.items() if k[0] == "商品房")
    assert commercial[2] == 3  # three compounds served by market firms
    assert sum(r[2] for r in rows[1:]) == 55
    assert sum(r[4] for r in rows[1:]) == sum(
        1 for _ in Issue.objects.filter(created_at__gte=_start(seeded), compound__isnull=False)
    )
    community = login_client(seeded.user("juwei")).get(reverse("indicators-classified"))
    assert '<td id="classified-total">18</td>' in community.content.decode()  # 中路's own
    assert (
        login_client(seeded.user("jumin")).get(reverse("indicators-classified")).status_code == 403
    )


def test_the_compound_page_links_its_public_figures(demo: Demo) -> None:
    html = login_client(demo.user("jumin")).get(reverse("compound-detail", args=[demo.tuanjie.pk]))
    link = reverse("public-figures", args=[demo.tuanjie.pk])
    assert f'href="{link}" id="compound-figures-link"' in html.content.decode()
