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
