"""Owners' votes: who proposes, reviews, notices, votes, enters paper ballots, audits.

Ballots are secret from other owners (an owner sees only their own); the residents'
committee and the subdistrict are the authorised auditors.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from deliberation.models import Compound, Organization, OwnersVote

from .compounds import view_compound
from .principal import Principal
from .registry import action, topic

K = Organization.Kind
OWNER_BODIES = (K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT_COMMITTEE)


def _cid(obj: Any) -> int:
    if isinstance(obj, OwnersVote):
        return obj.compound_id
    if isinstance(obj, Compound):
        return obj.pk
    return int(obj)


@action("vote.view")
def view_vote(p: Principal, obj: Any) -> bool:
    return view_compound(p, _cid(obj))


@action("vote.propose")
def propose(p: Principal, obj: Any) -> bool:
    """The owners' committee or 物管会 of the compound (Civil Code art. 278; BJ reg. art. 35)."""
    return p.serves(_cid(obj), *OWNER_BODIES)


@action("vote.refer")
def refer(p: Principal, obj: Any) -> bool:
    """A consultation session refers a resolution: its conveners (the community Party
    organization, the residents' committee), the owners' bodies, the subdistrict."""
    return p.is_subdistrict or p.serves(
        _cid(obj), K.PARTY_COMMITTEE, K.RESIDENTS_COMMITTEE, *OWNER_BODIES
    )


@action("vote.petition")
def petition(p: Principal, obj: Any) -> bool:
    """Owners living in the compound (the register decides who is an owner)."""
    return p.lives_in(_cid(obj))


@action("vote.sign")
def sign(p: Principal, obj: Any) -> bool:
    return p.lives_in(_cid(obj))


@action("vote.cast")
def cast(p: Principal, obj: Any) -> bool:
    return p.lives_in(_cid(obj))


def _staff(p: Principal, cid: int) -> bool:
    return p.serves(cid, K.RESIDENTS_COMMITTEE, *OWNER_BODIES)


@action("vote.record_paper")
def record_paper(p: Principal, obj: Any) -> bool:
    """Signatures entered for owners (a paper form, in person, by phone: docs/law.md §13)
    and notice delivery: residents' committee and owners' committee. The same staff follow
    the vote's staff topic, which carries the signatures list with names."""
    return _staff(p, _cid(obj))


@action("vote.enter_paper")
def enter_paper(p: Principal, obj: Any) -> bool:
    return _staff(p, _cid(obj))


@action("vote.convene")
def convene(p: Principal, obj: Any) -> bool:
    """BJ reg. arts. 35–36: the committee; the subdistrict once the deadline passed or it
    ordered convening."""
    if not isinstance(obj, OwnersVote):
        return False
    if p.serves(obj.compound_id, *OWNER_BODIES):
        return True
    overdue = obj.convene_by is not None and obj.convene_by <= timezone.now()
    return p.is_subdistrict and (overdue or obj.convening_ordered_at is not None)


@action("vote.order")
def order(p: Principal, obj: Any) -> bool:
    return p.is_subdistrict


@action("vote.review")
def review(p: Principal, obj: Any) -> bool:
    return p.serves(_cid(obj), K.RESIDENTS_COMMITTEE)


@action("vote.notice")
def notice(p: Principal, obj: Any) -> bool:
    """Whoever convenes gives the notice. BJ reg. art. 35: the owners' committee (or the
    物管会 standing in for it, arts. 52–56) notices every owner and *reports* to the
    residents' committee, which sends an observer: in a meeting the committee convened the
    residents' committee watches and does not notice. BJ reg. art. 36: where the committee
    failed to convene, the subdistrict organises the meeting, through the community's
    residents' committee [P]; that committee also gives notice where the compound has no
    owners' committee or 物管会 at all [P]."""
    if not isinstance(obj, OwnersVote):
        return False
    if obj.convened_by_subdistrict or obj.compound.owners_committee_id is None:
        return p.serves(obj.compound_id, K.RESIDENTS_COMMITTEE)
    return p.serves(obj.compound_id, *OWNER_BODIES)


@action("vote.publish")
def publish(p: Principal, obj: Any) -> bool:
    return _staff(p, _cid(obj))


@action("vote.audit")
def audit(p: Principal, obj: Any) -> bool:
    """Who may see individual ballots: the residents' committee and the subdistrict."""
    return p.is_subdistrict or p.serves(_cid(obj), K.RESIDENTS_COMMITTEE)


@action("register.view")
def view_register(p: Principal, obj: Any) -> bool:
    """The owner register (names and areas): parties serving the compound, the subdistrict."""
    return p.is_subdistrict or p.serves(_cid(obj))


@action("register.import")
def import_register(p: Principal, obj: Any) -> bool:
    return p.is_subdistrict or p.serves(_cid(obj), K.RESIDENTS_COMMITTEE, *OWNER_BODIES)


@topic("vote")
def vote_topic(p: Principal, vote_id: int, audience: str) -> bool:
    cid = OwnersVote.objects.filter(pk=vote_id).values_list("compound_id", flat=True).first()
    if cid is None:
        return False
    if audience == "public":
        return view_compound(p, cid)
    if audience == "staff":
        return _staff(p, cid)
    return False
