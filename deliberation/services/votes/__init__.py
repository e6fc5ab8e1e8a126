"""Owners' votes, by step: proposal, petition and convening, review and notice, ballots,
counting and publication, the clock.

Every legal rule comes from ``deliberation.law.owners_votes``; these modules apply it to
stored data, check who acts (``policy.require``) and push the live fragments. Bad input
raises ``InvalidInput`` and a vote that moved on ``VoteConflict`` (a ``Conflict``), each
with a translated message.
"""

from __future__ import annotations

from deliberation.selectors.votes import turnout

from .ballots import (
    cast_ballot,
    close_voting,
    confirm_paper_ballot,
    enter_paper_ballot,
    open_voting,
)
from .clock import run_clock
from .common import MatterSpec, VoteConflict, follow, notice_days, vote_changed
from .counting import matter_tallies
from .elections import conclude_election
from .notice import publish_notice, record_delivery, review
from .petition import (
    convene,
    order_convening,
    record_paper_signature,
    record_signature_for,
    sign_petition,
    start_petition,
)
from .proposal import propose_from_session, propose_vote
from .receipts import check_receipt, issue_receipt
from .results import publish_results, tally_vote

__all__ = [
    "MatterSpec",
    "VoteConflict",
    "cast_ballot",
    "check_receipt",
    "issue_receipt",
    "close_voting",
    "conclude_election",
    "confirm_paper_ballot",
    "convene",
    "enter_paper_ballot",
    "follow",
    "matter_tallies",
    "notice_days",
    "open_voting",
    "order_convening",
    "propose_from_session",
    "propose_vote",
    "publish_notice",
    "publish_results",
    "record_delivery",
    "record_paper_signature",
    "record_signature_for",
    "review",
    "run_clock",
    "sign_petition",
    "start_petition",
    "tally_vote",
    "turnout",
    "vote_changed",
]
