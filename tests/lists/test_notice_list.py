"""A compound's notices: every one reachable (the board shows the newest 20), searched,
filtered by who posted, by date and "mine", paged."""

from __future__ import annotations

import re

from django.urls import reverse

from deliberation.lists import PAGE_SIZE
from deliberation.models import Announcement, Compound
from deliberation.selectors.announcements import BOARD_SIZE
from tests.hardening.budgets import grow_announcements
from tests.support.clients import login_client
from tests.support.demo import user


def shown(demo, query: str = "", username: str = "jumin", status: int = 200) -> list[int]:
    url = reverse("compound-notices", args=[demo.tuanjie.pk]) + query
    response = login_client(user(username)).get(url)
    assert response.status_code == status, (query, response.status_code)
    return [int(n) for n in re.findall(r'id="announcement-(\d+)"', response.content.decode())]


def test_every_notice_is_reachable_and_searchable(demo) -> None:
    grow_announcements(demo, BOARD_SIZE + PAGE_SIZE)  # wuye's firm posts them
    budget = Announcement.objects.filter(title__startswith="budget")
    grown = set(budget.values_list("pk", flat=True))
    seen: list[int] = []
    for page in (1, 2):
        seen += shown(demo, f"?q=budget&page={page}")
    assert set(seen) == grown and len(seen) == len(grown)
    oldest = Announcement.objects.get(title="budget 0")
    assert shown(demo, "?q=budget 0") == [oldest.pk]
    firm = demo.tuanjie.property_provider_id
    assert set(shown(demo, f"?q=budget&party={firm}&page=1")) <= grown
    committee = demo.tuanjie.community.residents_committee_id
    assert shown(demo, f"?q=budget&party={committee}") == []
    assert oldest.pk in shown(demo, "?q=budget 0&mine=1", username="wuye")
    assert shown(demo, "?q=budget&mine=1") == []


def test_other_compounds_notices_stay_hidden(demo) -> None:
    elsewhere = Compound.objects.get(name="轻工宿舍")
    url = reverse("compound-notices", args=[elsewhere.pk])
    assert login_client(user("jumin")).get(url).status_code in (403, 404)
