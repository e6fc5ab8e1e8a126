"""The count of every matter by Civil Code art. 278: quorum first, then its threshold."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from deliberation.law import owners_votes as law
from deliberation.models import Ballot, OwnersVote


def _tally_json(t: law.Tally) -> dict[str, Any]:
    def w(x: law.Weight) -> list[Any]:
        return [x.heads, str(x.area)]

    return {
        "outcome": str(t.outcome),
        "agree": w(t.counts.agree),
        "disagree": w(t.counts.disagree),
        "abstain": w(t.counts.abstain),
        "participating": w(t.counts.participating),
        "total": w(t.total),
        "quorum_heads": t.quorum_heads,
        "quorum_area": t.quorum_area,
        "agree_heads": t.agree_heads,
        "agree_area": t.agree_area,
        "threshold": str(t.threshold),
        "at_least": t.strict_threshold,
    }


def matter_tallies(vote: OwnersVote) -> dict[int, tuple[law.Tally, law.Tally | None]]:
    """The strict tally of every matter (and the "followers" one where the rules enable it)."""
    total = law.Weight(vote.total_heads, Decimal(vote.total_area))
    ballots: dict[int, list[law.Ballot]] = {}
    returned: dict[int, law.Weight] = {}  # owners who returned a counted ballot on any matter
    for matter_id, voter_id, heads_area, choice in (
        Ballot.objects.filter(matter__vote=vote, confirmed=True)
        .values_list("matter_id", "voter_id", "voter__area", "choice")
        .order_by("id")
    ):
        ballots.setdefault(matter_id, []).append(
            law.Ballot(voter_id, law.Weight(1, heads_area), law.Choice(choice))
        )
        returned[voter_id] = law.Weight(1, heads_area)
    out: dict[int, tuple[law.Tally, law.Tally | None]] = {}
    for matter in vote.matters.all():
        # docs/law.md §8 [practice]: a blank matter counts as the meeting rules say.
        counts = law.Counts.of(
            law.with_unanswered(ballots.get(matter.pk, []), returned.items(), vote.unanswered_rule)
        )
        strict = law.tally(matter.kind, total, counts)
        deemed = (
            law.tally_with_followers(matter.kind, total, counts)
            if vote.non_voters_follow_majority
            else None
        )
        out[matter.pk] = (strict, deemed)
    return out
