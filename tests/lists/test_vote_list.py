"""A compound's owners' votes: search, status, origin, dates and pages (it listed them all)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation.lists import PAGE_SIZE
from deliberation.models import OwnersVote
from tests.hardening.budgets import grow_votes
from tests.support.clients import login_client
from tests.support.demo import user


def shown(demo, query: str = "", status: int = 200) -> list[int]:
    url = reverse("compound-votes", args=[demo.tuanjie.pk]) + query
    response = login_client(user("jumin")).get(url)
    assert response.status_code == status, (query, response.status_code)
    return [int(n) for n in re.findall(r'id="vote-row-(\d+)"', response.content.decode())]


def test_votes_are_searched_filtered_and_paged(demo) -> None:
    grow_votes(demo, PAGE_SIZE + 1)
    grown_votes = OwnersVote.objects.filter(title__startswith="预算表决")
    grown = set(grown_votes.values_list("pk", flat=True))
    first, second = shown(demo, "?q=预算表决"), shown(demo, "?q=预算表决&page=2")
    assert len(first) == PAGE_SIZE and set(first) | set(second) == grown
    one = OwnersVote.objects.get(title="预算表决7")
    assert shown(demo, "?q=预算表决7") == [one.pk]
    OwnersVote.objects.filter(pk=one.pk).update(
        status=OwnersVote.Status.CANCELLED, created_at=timezone.now() - timedelta(days=40)
    )
    assert one.pk in shown(demo, "?status=cancelled")
    assert one.pk not in shown(demo, "?status=voting")
    today = timezone.localdate()
    assert one.pk not in shown(demo, f"?q=预算表决&since={today}")
    assert shown(demo, f"?q=预算表决&until={today - timedelta(days=1)}") == [one.pk]
    origin = OwnersVote.Origin.values[0]
    assert one.pk in shown(demo, f"?q=预算表决7&origin={origin}")
    assert shown(demo, "?origin=nonsense", status=400)
