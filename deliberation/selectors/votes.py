"""Reads for owners' votes: the public panel, turnout, the paper-ballot queue, audit rows."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum

from deliberation.law import owners_votes as law
from deliberation.models import (
    AdoptedText,
    Ballot,
    BallotAudit,
    BallotReceipt,
    Matter,
    Organization,
    OwnersVote,
    PetitionSignature,
    Voter,
)


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


def _electorate_row(vote: OwnersVote) -> dict[str, Any]:
    """Turnout and notice delivery in one query over the meeting's register."""
    counted = Exists(Ballot.objects.filter(voter=OuterRef("pk"), confirmed=True))
    return Voter.objects.filter(vote=vote).aggregate(
        n=Count("id", filter=counted),
        area=Sum("area", filter=counted),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
    )


def _turnout(vote: OwnersVote, row: dict[str, Any]) -> Turnout:
    return Turnout(
        law.Weight(row["n"] or 0, row["area"] or Decimal(0)),
        law.Weight(vote.total_heads, Decimal(vote.total_area)),
    )


def turnout(vote: OwnersVote) -> Turnout:
    return _turnout(vote, _electorate_row(vote))


def matters_with_participation(vote: OwnersVote, *, user_id: int | None = None) -> list[Matter]:
    """The agenda with counted ballots per matter; with ``user_id``, that owner's own choice
    and channel (``mine``, ``mine_channel``) — never anyone else's."""
    qs = (
        Matter.objects.filter(vote=vote)
        .select_related("effect_organization")
        .prefetch_related("documents")
        .annotate(counted=Count("ballots", filter=Q(ballots__confirmed=True)))
    )
    if user_id is not None:
        own = Ballot.objects.filter(matter=OuterRef("pk"), voter__person_id=user_id)
        qs = qs.annotate(
            mine=Subquery(own.values("choice")[:1]),
            mine_channel=Subquery(own.values("channel")[:1]),
        )
    return list(qs.order_by("position"))


def matters_for_page(vote: OwnersVote, user_id: int | None) -> list[Matter]:
    """``matters_with_participation`` once per page: the panel, the ballot and the paper
    ballot forms of one request share it (kept on the loaded vote; a push never uses it)."""
    seen: dict[int | None, list[Matter]] = vote.__dict__.setdefault("_matters_for_page", {})
    if user_id not in seen:
        seen[user_id] = matters_with_participation(vote, user_id=user_id)
    return seen[user_id]


def vote_page_context(
    vote: OwnersVote, *, user_id: int | None = None, matters: list[Matter] | None = None
) -> dict[str, Any]:
    """Everything the public panel shows: no names, no other owner's ballot. ``user_id``
    adds that owner's own choices to the matters (for their page, never for a push)."""
    signed = vote.signatures.count() if vote.origin == OwnersVote.Origin.PETITION else 0
    row = _electorate_row(vote) if vote.noticed_at else {"n": 0, "area": 0, "delivered": 0}
    return {
        "delivered": row["delivered"],
        "vote": vote,
        "matters": matters
        if matters is not None
        else matters_with_participation(vote, user_id=user_id),
        "turnout": _turnout(vote, row) if vote.total_heads else None,
        "signed": signed,
        "signed_pct": _pct(signed, vote.total_heads),
        # BJ reg. art. 35: how many more owners must sign for the 20 % (never below zero)
        "petition_remaining": max(vote.petition_needed - signed, 0),
        "petition_pct_needed": 20,
    }


def petition_signatures(vote: OwnersVote) -> QuerySet[PetitionSignature]:
    """Who signed and how, with who entered a signature for an owner (one query; a
    petition stops at 20 % of the heads, so the list stays that short)."""
    return vote.signatures.select_related("recorded_by", "organization").order_by("signed_at", "id")


def signatures_context(vote: OwnersVote) -> dict[str, Any]:
    """The staff's signatures list (``votes/_signatures.html``), on the page and pushed."""
    petition = vote.origin == OwnersVote.Origin.PETITION
    return {"vote": vote, "signatures": list(petition_signatures(vote)) if petition else []}


def my_signature(vote: OwnersVote, key: str) -> PetitionSignature | None:
    """The owner's own signature: they see how it was given and who entered it for them."""
    if vote.origin != OwnersVote.Origin.PETITION:
        return None
    return petition_signatures(vote).filter(key=key).first()


def votes_of_compound(compound_id: int) -> QuerySet[OwnersVote]:
    return (
        OwnersVote.objects.filter(compound_id=compound_id)
        .annotate(n_matters=Count("matters"))
        .order_by("-created_at", "-id")
    )


def pending_paper_ballots(vote: OwnersVote) -> QuerySet[Ballot]:
    return (
        Ballot.objects.filter(matter__vote=vote, channel=Ballot.Channel.PAPER, confirmed=False)
        .select_related("matter", "voter", "cast_by")
        .order_by("id")
    )


#: The paper queue shows the oldest entries only: the second person works down the stack
#: from the top, and every entry re-renders the queue for everyone (a stack of hundreds
#: drawn each time made each entry slower than the last).
PAPER_QUEUE_SHOWN = 30


def paper_queue(vote: OwnersVote) -> dict[str, Any]:
    """The queue's context: the ``PAPER_QUEUE_SHOWN`` oldest unconfirmed paper ballots
    (``pending``) and whether more wait behind them (``more_pending``), in one query."""
    rows = list(pending_paper_ballots(vote)[: PAPER_QUEUE_SHOWN + 1])
    return {"pending": rows[:PAPER_QUEUE_SHOWN], "more_pending": len(rows) > PAPER_QUEUE_SHOWN}


def register_voters(vote: OwnersVote) -> QuerySet[Voter]:
    """The meeting's register: the paper-entry picker."""
    return Voter.objects.filter(vote=vote).order_by("label")


def audit_trail(vote: OwnersVote) -> QuerySet[BallotAudit]:
    return (
        BallotAudit.objects.filter(matter__vote=vote)
        .select_related("matter", "voter", "actor")
        .order_by("-id")
    )


def vote_organizations(vote: OwnersVote) -> list[int]:
    """The organizations that act on a vote (their task lists change with it): the owners'
    committee or 物管会, the residents' committee, and the subdistrict's office and
    supervision group (who may order or convene, BJ reg. art. 36). ``vote.compound`` and its
    community are expected loaded."""
    community = vote.compound.community
    subdistrict = Organization.objects.filter(
        subdistrict_id=community.subdistrict_id,
        kind__in=[Organization.Kind.SUBDISTRICT_OFFICE, Organization.Kind.SUPERVISION_GROUP],
    ).values_list("pk", flat=True)
    own = (vote.compound.owners_committee_id, community.residents_committee_id)
    return [o for o in own if o] + list(subdistrict)


def voter_people(vote: OwnersVote) -> list[int]:
    """The people with an account on the meeting's register (their "cast your ballot")."""
    return list(
        Voter.objects.filter(vote=vote, person_id__isnull=False).values_list("person_id", flat=True)
    )


def adopted_texts(compound_id: int) -> list[tuple[AdoptedText, list[AdoptedText]]]:
    """The compound's meeting rules and covenant in force (the newest version of each),
    each with its earlier versions (Civil Code art. 278 (1)–(2))."""
    grouped: dict[str, list[AdoptedText]] = {}
    for text in AdoptedText.objects.filter(compound_id=compound_id).order_by("kind", "-version"):
        grouped.setdefault(text.kind, []).append(text)
    return [(versions[0], versions[1:]) for versions in grouped.values()]


def latest_receipt(vote: OwnersVote, user_id: int) -> BallotReceipt | None:
    """The owner's own newest receipt in this meeting (never anyone else's)."""
    return (
        BallotReceipt.objects.filter(vote=vote, voter__person_id=user_id, superseded=False)
        .order_by("-id")
        .first()
    )
