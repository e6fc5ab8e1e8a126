"""The demo world plus generated volume, and session cookies for the client swarm."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import transaction
from django.utils import timezone

from deliberation.demo.tuanjiehu import seed
from deliberation.models import (
    Announcement,
    Building,
    Compound,
    Event,
    Issue,
    Residency,
    Unit,
    User,
    WorkOrder,
)

BENCH_BUILDING = "压测{}号楼"  # generated volume is recognisable by its building names


@transaction.atomic
def seed_volume(*, units: int, announcements: int, events: int, issues: int = 0) -> dict[str, int]:
    """Demo + ``units`` generated units in 团结公寓, each with a resident account (the
    swarm's users), ``announcements`` old notices spread over all compounds, ``events``
    old outbox rows on other topics (so the replay index has history to skip) and
    ``issues`` reported issues, a tenth of them dispatched to the compound's firm (so the
    issue list and the firm's inbox measured under HTTP load have volume behind them)."""
    seed()
    tuanjie = Compound.objects.get(name="团结公寓")
    per_building = 100
    buildings = [
        Building.objects.get_or_create(compound=tuanjie, name=BENCH_BUILDING.format(b + 1))[0]
        for b in range((units + per_building - 1) // per_building)
    ]
    have = Unit.objects.filter(building__in=buildings).count()
    if have < units:
        Unit.objects.bulk_create(
            Unit(
                building=buildings[i // per_building],
                number=f"{i % per_building + 1:03d}",
                exclusive_area=Decimal("63.50"),
            )
            for i in range(have, units)
        )
        new_units = list(Unit.objects.filter(building__in=buildings).order_by("id")[have:units])
        users = User.objects.bulk_create(
            User(username=f"bench-{i}", display_name=f"压测居民{i}", password="!")  # noqa: S106
            for i in range(have, units)
        )
        Residency.objects.bulk_create(
            Residency(user=u, unit=unit, relation=Residency.Relation.OCCUPANT)
            for u, unit in zip(users, new_units, strict=True)
        )
    compounds = list(Compound.objects.exclude(property_provider=None).select_related())
    author = User.objects.get(username="wuye")
    existing = Announcement.objects.count()
    if existing < announcements:
        Announcement.objects.bulk_create(
            Announcement(
                compound=compounds[i % len(compounds)],
                organization_id=compounds[i % len(compounds)].property_provider_id,
                author=author,
                title=f"历史通知 {i}",
                body="压测数据（示例）" * 5,
            )
            for i in range(existing, announcements)
        )
    existing = Event.objects.count()
    if existing < events:
        Event.objects.bulk_create(
            Event(
                topic=f"compound:{10_000 + i % 500}:public",
                kind="bench.history",
                html={"zh-hans": "<p>历史</p>", "en": "<p>history</p>"},
            )
            for i in range(existing, events)
        )
    _seed_issues(issues, tuanjie, compounds)
    return {
        "issues": Issue.objects.count(),
        "work_orders": WorkOrder.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "announcements": Announcement.objects.count(),
        "events": Event.objects.count(),
    }


def _seed_issues(n: int, tuanjie: Compound, compounds: list[Compound]) -> None:
    existing = Issue.objects.filter(description__startswith="压测问题").count()
    if existing >= n:
        return
    reporter = User.objects.get(username="jumin")
    made = Issue.objects.bulk_create(
        Issue(
            reporter=reporter,
            channel=Issue.Channel.WEB,
            description=f"压测问题 {i}：楼道灯不亮（示例）",
            compound=tuanjie if i % 2 else compounds[i % len(compounds)],
        )
        for i in range(existing, n)
    )
    now = timezone.now()
    WorkOrder.objects.bulk_create(
        WorkOrder(
            issue=issue,
            responsible_id=tuanjie.property_provider_id,
            title=f"压测工单 {issue.pk}",
            description=issue.description,
            compound=tuanjie,
            status=WorkOrder.Status.DISPATCHED,
            respond_by=now + timedelta(days=1),
            resolve_by=now + timedelta(days=3),
        )
        for issue in made[::10]
    )


def session_cookie(user: User) -> str:
    """A logged-in session for ``user``, as Django's login() would store it."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"sessionid={store.session_key}"


def swarm_cookies(n: int) -> list[str]:
    users = list(User.objects.filter(username__startswith="bench-").order_by("id")[:n])
    if len(users) < n:
        raise RuntimeError(f"only {len(users)} generated residents; seed more units")
    return [session_cookie(u) for u in users]
