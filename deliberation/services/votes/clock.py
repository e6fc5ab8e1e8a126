"""The owners' votes clock: ballot boxes open and close on time; a committee that has not
convened by its deadline (BJ reg. art. 36) or results not posted within 3 days (art. 37)
become overdue tasks of those who must act."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from deliberation.models import OwnersVote
from deliberation.periodic import periodic

from .ballots import close_voting, open_voting
from .common import S, _push, follow


@periodic("owners_votes_clock")
def run_clock(now: datetime | None = None) -> int:
    """Open and close ballot boxes on time; mark a meeting the committee has not convened by
    its deadline (BJ reg. art. 36), or results not posted in 3 days (art. 37), as overdue:
    the tasks of those who must act show it."""
    now = now or timezone.now()
    changed = 0
    for vote in OwnersVote.objects.filter(status=S.NOTICED, opens_at__lte=now):
        changed += _moved(vote, open_voting, now)
    for vote in OwnersVote.objects.filter(status=S.VOTING, closes_at__lte=now):
        changed += _moved(vote, close_voting, now)
    for field, status, deadline in (
        ("convene_escalated_at", S.CONVENING, "convene_by"),
        ("publish_escalated_at", S.TALLIED, "publish_by"),
    ):
        overdue = OwnersVote.objects.filter(
            status=status, **{f"{deadline}__lte": now, f"{field}__isnull": True}
        ).select_related("compound__community")
        for vote in overdue:
            changed += _escalate(vote, field, now)
    return changed


@transaction.atomic
def _moved(vote: OwnersVote, step: Callable[..., bool], now: datetime) -> int:
    """One ballot box opened or closed by the clock, with its pages' and tasks' refresh."""
    if not step(vote=vote, now=now):
        return 0
    follow(OwnersVote.objects.select_related("compound__community").get(pk=vote.pk))
    return 1


@transaction.atomic
def _escalate(vote: OwnersVote, field: str, now: datetime) -> int:
    """The deadline passed: the committee's task turns overdue, the subdistrict's appears
    (it may now convene, BJ reg. art. 36); the vote's panel shows the overdue date."""
    if not OwnersVote.objects.filter(pk=vote.pk, **{f"{field}__isnull": True}).update(
        **{field: now}
    ):
        return 0  # another worker did it
    setattr(vote, field, now)
    _push(vote, "vote.overdue")
    follow(vote)
    return 1
