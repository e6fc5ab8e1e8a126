"""Budgets of the JSON API (/api/v1/, read into ``budgets.PAGES`` at its end): each list
is one page (20 rows by default) at 10 and 1,000 rows, read with the demo's key (the
subdistrict office's, which sees every compound); each thing by id alike."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from deliberation.demo.channels import DEMO_OPEN311_KEY
from deliberation.law.owners_votes import MatterKind
from deliberation.models import Matter, OwnersVote, Resolution

from . import growth_intake as gi
from . import growth_sessions as gs
from .budgets import Budget, grow_announcements, grow_compounds, grow_nothing, the_issue, the_order

KEY = {"HTTP_AUTHORIZATION": f"Bearer {DEMO_OPEN311_KEY}"}


def grow_votes(demo: Any, n: int) -> None:
    """Owners' votes of 团结公寓, each with a matter."""
    compound, yeweihui = demo.tuanjie, demo.user("yeweihui")
    votes = OwnersVote.objects.bulk_create(
        OwnersVote(
            compound=compound,
            title=f"预算表决{i}",
            origin=OwnersVote.Origin.COMMITTEE,
            proposed_by=yeweihui,
        )
        for i in range(n)
    )
    Matter.objects.bulk_create(Matter(vote=v, title="事项", kind=MatterKind.OTHER) for v in votes)


def grow_resolutions(demo: Any, n: int) -> None:
    gs._items_and_resolutions(gs.demo_session(demo), n)  # noqa: SLF001


def _resolution_url(demo: Any) -> str:
    resolution = Resolution.objects.order_by("pk").first()
    if resolution is None:
        grow_resolutions(demo, 1)
        resolution = Resolution.objects.order_by("pk").first()
    assert resolution is not None
    return reverse("api-v1:resolution_detail", args=[resolution.pk])


def _list(name: str, grow: Any) -> list[Budget]:
    return [Budget(None, lambda demo: reverse(f"api-v1:{name}"), grow, headers=KEY)]


def _one(name: str, pick: Any) -> list[Budget]:
    url = lambda demo: reverse(f"api-v1:{name}", args=[pick(demo).pk])  # noqa: E731
    return [Budget(None, url, grow_nothing, headers=KEY)]


PAGES: dict[str, list[Budget]] = {
    "api-v1:compound_list": _list("compound_list", grow_compounds),
    "api-v1:compound_detail": _one("compound_detail", lambda d: d.tuanjie),
    "api-v1:compound_notices": [
        Budget(
            None,
            lambda demo: reverse("api-v1:compound_notices", args=[demo.tuanjie.pk]),
            grow_announcements,
            headers=KEY,
        )
    ],
    "api-v1:notice_list": _list("notice_list", grow_announcements),
    "api-v1:issue_list": _list("issue_list", gi.grow_issues),
    "api-v1:issue_detail": _one("issue_detail", the_issue),
    "api-v1:work_order_list": _list("work_order_list", gi.grow_orders_to_accept),
    "api-v1:work_order_detail": _one("work_order_detail", the_order),
    "api-v1:session_list": _list("session_list", gs.grow_sessions),
    "api-v1:session_detail": _one("session_detail", gs.demo_session),
    "api-v1:resolution_list": _list("resolution_list", grow_resolutions),
    "api-v1:resolution_detail": [Budget(None, _resolution_url, grow_nothing, headers=KEY)],
    "api-v1:vote_list": _list("vote_list", grow_votes),
    "api-v1:vote_detail": _one(
        "vote_detail", lambda d: OwnersVote.objects.order_by("pk").first() or _first_vote(d)
    ),
    "api-v1:openapi-json": [
        Budget(None, lambda demo: reverse("api-v1:openapi-json"), grow_nothing, max_queries=0)
    ],
    "api-v1:openapi-view": [
        Budget(None, lambda demo: reverse("api-v1:openapi-view"), grow_nothing, max_queries=0)
    ],
}


def _first_vote(demo: Any) -> OwnersVote:
    grow_votes(demo, 1)
    return OwnersVote.objects.order_by("pk").first()  # type: ignore[return-value]


NOT_PAGES: dict[str, str] = {
    "api-v1:api-action": "POST only: the JSON face of the one action endpoint, whose "
    "queries test_action_budgets.py counts through the page's",
    "api-v1:api-root": "the API's root: its JSON 404 (no list)",
}
