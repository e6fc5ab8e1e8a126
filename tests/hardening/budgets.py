"""The query budget of every page and every pushed fragment (issue 5, part 2).

Every named URL of the project must appear in ``PAGES`` (or, with a reason, in
``NOT_PAGES``), and every live event kind recorded anywhere in the code must appear in
``FRAGMENTS`` — ``test_query_budgets.py`` fails otherwise, so a new list page or a new push
cannot ship without showing that its query count does not grow with the rows it lists.

A budget says who asks for what, and how to grow "the rows" the page or fragment lists
(``grow(demo, n)`` adds ``n`` of them); the test measures at 10 and at 1,000.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.urls import reverse

from deliberation.models import Announcement, Building, Compound, Unit

MAX_PAGE_QUERIES = 12


def grow_announcements(demo: Any, n: int) -> None:
    compound = demo.tuanjie
    Announcement.objects.bulk_create(
        Announcement(
            compound=compound,
            organization_id=compound.property_provider_id,
            author=demo.user("wuye"),
            title=f"budget {i}",
            body="b",
        )
        for i in range(n)
    )


def grow_compounds(demo: Any, n: int) -> None:
    """Compounds served by wuye's firm in 团结公寓's community (seen by staff and office)."""
    t = demo.tuanjie
    start = Compound.objects.count()
    Compound.objects.bulk_create(
        Compound(
            community_id=t.community_id,
            name=f"预算小区{start + i}",
            category=t.category,
            management_mode=t.management_mode,
            property_provider_id=t.property_provider_id,
        )
        for i in range(n)
    )


def grow_units(demo: Any, n: int) -> None:
    building, _ = Building.objects.get_or_create(compound=demo.tuanjie, name="预算楼")
    start = Unit.objects.filter(building=building).count()
    Unit.objects.bulk_create(
        Unit(building=building, number=f"B{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )


def grow_nothing(demo: Any, n: int) -> None:
    return None


@dataclass(frozen=True)
class Budget:
    """``user`` requests ``url(demo)`` (GET, or POST with ``data(demo, i)``)."""

    user: str | None
    url: Callable[[Any], str]
    grow: Callable[[Any, int], None]
    method: str = "get"
    data: Callable[[Any, int], dict[str, Any]] | None = None
    max_queries: int = MAX_PAGE_QUERIES
    statuses: tuple[int, ...] = (200,)
    headers: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return f"{name}[{self.user or 'anonymous'}]"


def _compound_url(name: str) -> Callable[[Any], str]:
    return lambda demo: reverse(name, args=[demo.tuanjie.pk])


def _announcement(demo: Any, i: int) -> dict[str, Any]:
    return {"organization": demo.tuanjie.property_provider_id, "title": f"t{i}", "body": "b"}


#: URL name → the budgets that exercise it.
PAGES: dict[str, list[Budget]] = {
    "home": [
        Budget("jumin", lambda d: reverse("home"), grow_announcements),
        Budget("wuye", lambda d: reverse("home"), grow_compounds),
        Budget("jiedao", lambda d: reverse("home"), grow_compounds),
    ],
    "compound-detail": [
        Budget("jumin", _compound_url("compound-detail"), grow_announcements),
        Budget("wuye", _compound_url("compound-detail"), grow_announcements),
        Budget("jiedao", _compound_url("compound-detail"), grow_units),
    ],
    "announcement-create": [
        Budget(
            "wuye",
            _compound_url("announcement-create"),
            grow_announcements,
            method="post",
            data=_announcement,
            headers={"HTTP_HX_REQUEST": "true"},
            max_queries=20,  # a write: its transaction, then the re-rendered board and form
        ),
    ],
    "healthz": [Budget(None, lambda d: reverse("healthz"), grow_nothing, max_queries=0)],
}

#: URL names that are not pages of ours, with the reason.
NOT_PAGES: dict[str, str] = {
    "login": "Django's login form (no list)",
    "logout": "POST-only, Django's",
    "set_language": "POST-only redirect, Django's",
}

#: URL namespaces that are not ours to budget.
FOREIGN_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class FragmentBudget:
    """``transition(demo, i)`` performs one state change that records the event kind."""

    grow: Callable[[Any, int], None]
    transition: Callable[[Any, int], Any]
    max_queries: int = 20


def _post_announcement(demo: Any, i: int) -> Any:
    from deliberation.services.announcements import post_announcement

    return post_announcement(
        author=demo.user("wuye"),
        organization=demo.tuanjie.property_provider,
        compound=demo.tuanjie,
        title=f"fragment {i}",
        body="b",
    )


#: Live event kind (``record_event(kind=…)``) → how to produce it.
FRAGMENTS: dict[str, FragmentBudget] = {
    "announcement.posted": FragmentBudget(grow_announcements, _post_announcement),
}
