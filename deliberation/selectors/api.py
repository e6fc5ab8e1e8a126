"""What the JSON API (``/api/v1/``) lists for a client: each list narrows to what the
policy lets the key's service account see, in the same words as the rules.

Issues, sessions and compounds reuse the pages' own ``*_visible_to``; the rest follow the
rules they mirror (``work_order.view``, ``vote.view``, ``session.follow``,
``compound.view``). Each list is one ordered queryset with its joins, so a page of it is
two queries (the count and the rows) whatever the rows.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from deliberation.models import (
    Announcement,
    Matter,
    OwnersVote,
    Resolution,
    WorkOrder,
)
from deliberation.policy.principal import COMMUNITY_KINDS, OWNER_BODY_KINDS, load_principal

from .places import compounds_visible_to
from .sessions import sessions_visible_to
from .work_orders import work_orders_with_parties


def _compounds_of(user: Any) -> set[int]:
    p = load_principal(user)
    return set(p.served_compounds) | set(p.home_compounds)


def work_orders_visible_to(user: Any) -> QuerySet[WorkOrder]:
    """``work_order.view``: the responsible and co-operating parties, the community and
    owners' bodies of the compound, and the subdistrict."""
    p = load_principal(user)
    qs = work_orders_with_parties().order_by("-created_at", "-id")
    if p.is_subdistrict:
        return qs
    overseen = [
        cid
        for cid, orgs in p.served_compounds.items()
        if any(p.org_kinds.get(o) in (*COMMUNITY_KINDS, *OWNER_BODY_KINDS) for o in orgs)
    ]
    orgs = list(p.org_kinds)
    return qs.filter(
        Q(responsible_id__in=orgs)
        | Q(compound_id__in=overseen)
        | Q(pk__in=WorkOrder.objects.filter(co_operating__in=orgs).values("pk"))
    )


def votes_visible_to(user: Any) -> QuerySet[OwnersVote]:
    """``vote.view``: the owners' votes of the compounds one lives in or serves, with their
    matters (whose tallies the API shows once the results are published)."""
    qs = OwnersVote.objects.select_related("compound").prefetch_related(
        Prefetch("matters", queryset=Matter.objects.order_by("position"))
    )
    qs = qs.order_by("-created_at", "-id")
    if load_principal(user).is_subdistrict:
        return qs
    return qs.filter(compound_id__in=_compounds_of(user))


def resolutions_visible_to(user: Any) -> QuerySet[Resolution]:
    """Resolutions of the sessions one may follow (``session.follow``)."""
    sessions = sessions_visible_to(user).order_by().values("pk")
    return (
        Resolution.objects.filter(item__session__in=sessions)
        .select_related("item", "responsible_organization")
        .order_by("-created_at", "-id")
    )


def notices_visible_to(user: Any) -> QuerySet[Announcement]:
    """The notice boards of the compounds one may see (``compound.view``)."""
    compounds = compounds_visible_to(user).order_by().values("pk")
    return Announcement.objects.filter(compound__in=compounds).select_related(
        "organization", "compound"
    )
