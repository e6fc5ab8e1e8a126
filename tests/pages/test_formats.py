"""Dates read in the reader's language (2026年12月2日 14:30 / 2 Dec 2026 14:30, not
2026-12-02 14:30 for both); figures such as areas are grouped by thousands."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.support.clients import login_client


def test_dates_on_the_issue_list_are_chinese_in_chinese_and_english_in_english(demo) -> None:
    resident = login_client(demo.user("jumin"))
    zh = resident.get(reverse("issue-list")).content.decode()
    assert re.search(r">\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d</time>", zh), zh
    assert not re.search(r">\d{4}-\d\d-\d\d \d\d:\d\d</time>", zh)
    en = resident.get(reverse("issue-list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(
        r">\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d</time>", en
    ), en


def test_the_register_groups_areas_by_thousands(demo) -> None:
    committee = login_client(demo.user("yeweihui"))
    html = committee.get(reverse("owner-register", args=[demo.tuanjie.pk])).content.decode()
    totals = html.split('id="register-totals"')[1].split("</p>")[0]
    assert re.search(r"专有面积 \d{1,3},\d{3}\.\d\d", totals), totals


def _in(client, url: str, code: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=code)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_hotline_import_counts_are_grouped_in_both_languages(demo) -> None:
    from deliberation.models import HotlineImport

    batch = HotlineImport.objects.create(
        uploaded_by=demo.user("juwei"),
        filename="12345.xlsx",
        status=HotlineImport.Status.DONE,
        total_rows=12345,
        valid_rows=12000,
        to_import=12000,
        processed=12000,
        imported=11000,
        skipped=1000,
    )
    committee = login_client(demo.user("juwei"))
    url = reverse("hotline-preview", args=[batch.pk])
    for code, done in (("zh-hans", "11,000"), ("en", "Done: 11,000 imported, 1,000 skipped")):
        html = _in(committee, url, code)
        assert 'id="count-total">12,345<' in html and 'id="count-valid">12,000<' in html
        assert done in html


def test_indicators_group_issue_counts_and_write_rates_in_both_languages(demo) -> None:
    """A thousand issues and more: every count on the page grouped (1,0xx), not just the
    table by party."""
    from deliberation.models import Issue

    compound = demo.tuanjie
    Issue.objects.bulk_create(
        Issue(channel=Issue.Channel.HOTLINE, description=f"热线 {i}", compound=compound)
        for i in range(1000)
    )
    office = login_client(demo.user("jiedao"))
    for code in ("zh-hans", "en"):
        html = _in(office, reverse("indicators"), code)
        overall = html.split('id="overall"')[1].split("</dl>")[0]
        assert re.search(r"<dd>1,\d{3}</dd>", overall), overall
        assert re.search(r"<dd>(\d{1,3}\.\d%|—)</dd>", overall), overall  # a rate, one decimal
        bars = re.findall(r"<td>(?:▲ )?([\d,]+)</td>", html)
        assert any("," in b for b in bars), bars  # the month's bar of 团结公寓
