"""Review by the residents' committee and the notice to every owner (BJ reg. art. 35)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import Announcement, OwnersVote, User, Voter
from deliberation.selectors.owner_register import owner_register
from deliberation.user_text import clean_field

from .common import (
    S,
    VoteConflict,
    _acting_org,
    _changed,
    _invalid,
    _locked,
    _push,
    _push_board,
    _require_status,
    notice_days,
)


@transaction.atomic
def review(*, actor: User, vote: OwnersVote, observer: User) -> OwnersVote:
    """The residents' committee takes the report and names its observer."""
    vote = _locked(vote)
    policy.require(actor, "vote.review", vote)
    _require_status(vote, S.REVIEW)
    rc = vote.compound.community.residents_committee_id or 0
    if not observer.memberships.filter(organization_id=rc, active=True).exists():
        raise _invalid(_("The observer must be a member of the residents' committee."), "observer")
    vote.status = S.PREPARING
    vote.observer = observer
    vote.reviewed_at = timezone.now()
    vote.save(update_fields=["status", "observer", "reviewed_at"])
    _changed(vote, "vote.reviewed", actor)
    return vote


@transaction.atomic
def publish_notice(
    *,
    actor: User,
    vote: OwnersVote,
    opens_at: datetime,
    closes_at: datetime,
    place_and_method: str,
) -> OwnersVote:
    """Notice every owner ≥ 15 days before voting opens; freeze the electorate.

    BJ reg. art. 35: agenda, content, time, place and method go to every owner; only the
    matters noticed now can be voted on (matters cannot be added afterwards).
    """
    vote = _locked(vote)
    policy.require(actor, "vote.notice", vote)
    place_and_method = clean_field(OwnersVote, "place_and_method", place_and_method)
    _require_status(vote, S.PREPARING)
    now = timezone.now()
    days, period = notice_days()
    if opens_at < now + period:
        raise _invalid(
            _("Voting may open no sooner than %(days)s days after the notice (from %(when)s).")
            % {
                "days": days,
                "when": timezone.localtime(now + period).strftime("%Y-%m-%d %H:%M"),
            },
            "opens_at",
        )
    if closes_at <= opens_at:
        raise _invalid(_("Voting must close after it opens."), "closes_at")
    register = owner_register(vote.compound)
    if not register.heads:
        raise _invalid(_("The owner register of this compound is empty."))
    person_ids = [h.person_id for h in register.heads if h.person_id]
    online = set(
        User.objects.filter(pk__in=person_ids)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .values_list("pk", flat=True)
    )
    Voter.objects.bulk_create(
        Voter(
            vote=vote,
            key=h.key,
            person_id=h.person_id,
            organization_id=h.organization_id,
            label=h.label,
            units="、".join(h.units)[:400],
            area=h.area,
            # Delivery (送达): online accounts get it in the app now; others by paper, which
            # staff record (``record_delivery``).
            delivered_at=now if h.person_id in online else None,
            delivery_method="app" if h.person_id in online else "",
        )
        for h in register.heads
    )
    total = register.total
    vote.total_heads, vote.total_area = total.heads, total.area
    vote.status = S.NOTICED
    vote.noticed_at = now
    vote.opens_at, vote.closes_at = opens_at, closes_at
    vote.place_and_method = place_and_method
    vote.save()
    Announcement.objects.create(
        compound=vote.compound,
        organization=_acting_org(actor, vote),
        author=actor,
        title=_("Notice of owners' meeting: %(title)s") % {"title": vote.title},
        body=_notice_text(vote),
        link=reverse("vote-detail", args=[vote.pk]),
    )
    _push_board(vote, actor)
    _changed(vote, "vote.noticed", actor)
    return vote


def _notice_text(vote: OwnersVote) -> str:
    lines = [
        _("Voting: %(opens)s – %(closes)s. %(place)s")
        % {
            "opens": timezone.localtime(vote.opens_at).strftime("%Y-%m-%d %H:%M"),
            "closes": timezone.localtime(vote.closes_at).strftime("%Y-%m-%d %H:%M"),
            "place": vote.place_and_method,
        }
    ]
    for m in vote.matters.all():
        lines.append(f"{m.position}. {m.title}（{m.get_kind_display()}）")
    return "\n".join(lines)[:4000]


@transaction.atomic
def record_delivery(*, actor: User, vote: OwnersVote, voter_ids: list[int], method: str) -> int:
    """Staff record paper delivery (送达) of the notice to owners without an account."""
    policy.require(actor, "vote.record_paper", vote)
    if vote.noticed_at is None:
        raise VoteConflict(_("The notice has not been published yet."))
    n = Voter.objects.filter(vote=vote, pk__in=voter_ids, delivered_at__isnull=True).update(
        delivered_at=timezone.now(), delivery_method=method[:32] or "paper"
    )
    _push(vote, "vote.delivered", actor)
    return n
