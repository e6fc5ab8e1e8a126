"""Page budgets of the public pages (read into ``budgets.PAGES`` at its end): each page at
10 and 1,000 rows of what it lists, for a visitor without a login (they are the cheap,
cacheable pages a QR code on a notice board opens)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Building,
    Matter,
    Minutes,
    Organization,
    OwnersVote,
    Residency,
    Resolution,
    Session,
    Unit,
    User,
)
from deliberation.models.sessions import Party
from deliberation.selectors.public_status import status_token

from .budgets import Budget, grow_announcements, grow_compounds, grow_nothing, the_issue
from .growth_intake import grow_public_steps


def _published_votes(demo: Any, n: int) -> None:
    t, chair = demo.tuanjie, demo.user("yeweihui")
    now = timezone.now()
    votes = OwnersVote.objects.bulk_create(
        OwnersVote(
            compound=t,
            title=f"预算表决 {i}",
            origin="committee",
            status=OwnersVote.Status.PUBLISHED,
            proposed_by=chair,
            published_at=now,
        )
        for i in range(n)
    )
    Matter.objects.bulk_create(
        Matter(vote=v, position=1, kind="other", title="事项", outcome="passed") for v in votes
    )


def _published_minutes(demo: Any, n: int) -> None:
    t, shuji = demo.tuanjie, demo.user("shuji")
    party = Organization.objects.get(name="团结湖中路社区党委")
    now = timezone.now()
    sessions = Session.objects.bulk_create(
        Session(
            title=f"预算协商 {i}",
            community_id=t.community_id,
            convener=shuji,
            convening_organization=party,
            chair=shuji,
            starts_at=now - timedelta(days=1),
            status=Session.Status.ENDED,
        )
        for i in range(n)
    )
    Session.compounds.through.objects.bulk_create(
        Session.compounds.through(session_id=s.pk, compound_id=t.pk) for s in sessions
    )
    Minutes.objects.bulk_create(
        Minutes(session=s, text="纪要", status=Minutes.Status.PUBLISHED, published_at=now)
        for s in sessions
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(session=s, order=1, title="议题", outcome=AgendaItem.Outcome.ADOPTED)
        for s in sessions
    )
    Resolution.objects.bulk_create(
        Resolution(
            item=item,
            decision="决议",
            responsible_party=Party.PROVIDER,
            deadline=date(2030, 1, 1),
            acceptance_criteria="验收",
            status=Resolution.Status.ADOPTED,
            drafted_by=shuji,
        )
        for item in items
    )


def _residents(demo: Any, n: int) -> None:
    """People living in 团结公寓 (their names are what the page's texts are cleaned of)."""
    building, _ = Building.objects.get_or_create(compound=demo.tuanjie, name="预算楼")
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"budget-public-{start + i}", display_name=f"预算居民{start + i}")
        for i in range(n)
    )
    units = Unit.objects.bulk_create(
        Unit(building=building, number=f"P{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )
    Residency.objects.bulk_create(
        Residency(user=u, unit=unit, relation=Residency.Relation.OWNER)
        for u, unit in zip(users, units, strict=True)
    )


def grow_compound_page(demo: Any, n: int) -> None:
    """Notices, published results and minutes, and residents of 团结公寓."""
    grow_announcements(demo, n)
    _published_votes(demo, n)
    _published_minutes(demo, n)
    _residents(demo, n)


def _status_url(demo: Any) -> str:
    return reverse("public-issue-status", args=[status_token(the_issue(demo))])


PAGES: dict[str, list[Budget]] = {
    "public-subdistrict": [Budget(None, lambda d: reverse("public-subdistrict"), grow_compounds)],
    "public-community": [
        Budget(
            None,
            lambda d: reverse("public-community", args=[d.tuanjie.community_id]),
            grow_compounds,
        )
    ],
    "public-compound": [
        Budget(None, lambda d: reverse("public-compound", args=[d.tuanjie.pk]), grow_compound_page),
        Budget("jumin", lambda d: reverse("public-compound", args=[d.tuanjie.pk]), grow_nothing),
    ],
    "public-issue-status": [Budget(None, _status_url, grow_public_steps)],
    "public-guide": [Budget(None, lambda d: reverse("public-guide"), grow_nothing)],
}
