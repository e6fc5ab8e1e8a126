"""The escalation history: search, party, compound, "mine" and pages (it stopped at the
newest 200 before)."""

from __future__ import annotations

import re

from django.urls import reverse

from deliberation.lists import PAGE_SIZE
from deliberation.models import Compound, Escalation, Organization
from deliberation.services.work_orders import handle_escalation
from tests.hardening.budgets import grow_escalations
from tests.support.clients import login_client
from tests.support.demo import user


def shown(query: str = "", status: int = 200, username: str = "dudao") -> list[int]:
    response = login_client(user(username)).get(reverse("escalation-history") + query)
    assert response.status_code == status, (query, response.status_code)
    return [int(n) for n in re.findall(r'id="escalation-(\d+)"', response.content.decode())]


def test_every_escalation_is_reachable_page_by_page(demo) -> None:
    grow_escalations(demo, 2 * PAGE_SIZE + 1)
    total = Escalation.objects.count()
    seen: list[int] = []
    for page in range(1, total // PAGE_SIZE + 2):
        seen += shown(f"?status=open&page={page}")
    assert len(seen) == len(set(seen)) == total


def test_search_party_compound_and_mine_narrow(demo) -> None:
    grow_escalations(demo, 3)
    first = Escalation.objects.select_related("work_order").order_by("id").first()
    assert first is not None
    firm = Compound.objects.get(name="团结公寓").property_provider_id
    assert set(shown(f"?party={firm}")) == set(Escalation.objects.values_list("pk", flat=True))
    other = Organization.objects.filter(kind="property_rights_unit").first()
    assert shown(f"?party={other.pk}") == []
    title = first.work_order.title
    assert first.pk in shown(f"?q={title}")
    elsewhere = Compound.objects.get(name="轻工宿舍")
    assert shown(f"?compound={elsewhere.pk}") == []
    handle_escalation(escalation=first, actor=user("dudao"), note="已约谈物业经理")
    assert shown("?mine=1") == [first.pk]
    assert shown("?q=约谈物业") == [first.pk]
    assert shown("?mine=1", username="jiedao") == []
