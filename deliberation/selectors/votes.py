"""Reads for owners' votes: the public panel, turnout, the paper-ballot queue, audit rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum

from deliberation.law import owners_votes as law
from deliberation.models import Ballot, BallotAudit, Matter, OwnersVote, Voter


@dataclass(frozen=True)
class Turnout:
    """Owners who returned at least one counted ballot, against the 2/3 quorum."""

    voted: law.Weight
    total: law.Weight

    @property
    def heads_pct(self) -> int:
        return _pct(self.voted.heads, self.total.heads)

    @property
    def area_pct(self) -> int:
        return _pct(self.voted.area, self.total.area)

    @property
    def quorum_heads(self) -> bool:
        return law.reaches(self.voted.heads, self.total.heads, law.QUORUM)

    @property
    def quorum_area(self) -> bool:
        return law.reaches(self.voted.area, self.total.area, law.QUORUM)

    @property
    def heads_needed(self) -> int:
        """Smallest head count that is ≥ 2/3 of all heads (Civil Code art. 278)."""
        return -(-self.total.heads * 2 // 3)

    @property
    def area_needed(self) -> Decimal:
        return (self.total.area * 2 / 3).quantize(Decimal("0.01"))


def _pct(part: int | Decimal, whole: int | Decimal) -> int:
    """Display only (rounded down, never used for a decision)."""
    if not whole:
        return 0
    return int(Fraction(part) * 100 / Fraction(whole))


def turnout(vote: OwnersVote) -> Turnout:
    counted = Ballot.objects.filter(voter=OuterRef("pk"), confirmed=True)
    row = (
        Voter.objects.filter(vote=vote)
        .filter(Exists(counted))
        .aggregate(n=Count("id"), area=Sum("area"))
    )
    return Turnout(
        law.Weight(row["n"] or 0, row["area"] or Decimal(0)),
        law.Weight(vote.total_heads, Decimal(vote.total_area)),
    )


def matters_with_participation(vote: OwnersVote) -> list[Matter]:
    return list(
        Matter.objects.filter(vote=vote)
        .annotate(
            counted=Count("ballots", filter=_confirmed()),
        )
        .order_by("position")
    )


def _confirmed() -> Any:
    from django.db.models import Q

    return Q(ballots__confirmed=True)


def vote_page_context(vote: OwnersVote) -> dict[str, Any]:
    """Everything the public panel shows: no names, no individual ballots."""
    signed = vote.signatures.count() if vote.origin == OwnersVote.Origin.PETITION else 0
    delivered = (
        Voter.objects.filter(vote=vote, delivered_at__isnull=False).count()
        if vote.noticed_at
        else 0
    )
    return {
        "delivered": delivered,
        "vote": vote,
        "matters": matters_with_participation(vote),
        "turnout": turnout(vote) if vote.total_heads else None,
        "signed": signed,
        "signed_pct": _pct(signed, vote.total_heads),
        "petition_pct_needed": 20,
    }


def votes_of_compound(compound_id: int) -> QuerySet[OwnersVote]:
    return OwnersVote.objects.filter(compound_id=compound_id).annotate(n_matters=Count("matters"))


def my_ballots(vote: OwnersVote, user_id: int) -> dict[int, Ballot]:
    """The user's own ballots by matter id (never anyone else's)."""
    return {
        b.matter_id: b
        for b in Ballot.objects.filter(
            matter__vote=vote, voter__vote=vote, voter__person_id=user_id
        )
    }


def pending_paper_ballots(vote: OwnersVote) -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(matter__vote=vote, channel=Ballot.Channel.PAPER, confirmed=False)
        .select_related("matter", "voter", "cast_by")
        .order_by("id")
    )


def register_voters(vote: OwnersVote) -> QuerySet[Voter]:
    """The meeting's register: the paper-entry picker."""
    return Voter.objects.filter(vote=vote).order_by("label")


def audit_trail(vote: OwnersVote) -> QuerySet[BallotAudit]:
    return (
        BallotAudit.objects.filter(matter__vote=vote)
        .select_related("matter", "voter", "actor")
        .order_by("-id")
    )
