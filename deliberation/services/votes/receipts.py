"""Ballot receipts: the owner keeps a code; anyone may later ask whether the ballot behind
a code is counted, and learns that and nothing else (never the choices, never the owner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from deliberation.models import Ballot, BallotReceipt, OwnersVote, User, Voter

from .common import _invalid

#: No 0/O, 1/I/L: read aloud or copied from paper without doubt.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


def _new_code() -> str:
    raw = get_random_string(CODE_LENGTH, ALPHABET)
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


@transaction.atomic
def issue_receipt(
    *, actor: User, vote: OwnersVote, answered: int, unanswered: int
) -> BallotReceipt:
    """After the owner confirmed their ballot: a new code; the earlier ones are superseded."""
    voter = Voter.objects.get(vote=vote, person=actor)
    BallotReceipt.objects.filter(vote=vote, voter=voter, superseded=False).update(superseded=True)
    return BallotReceipt.objects.create(
        vote=vote,
        voter=voter,
        code=_new_code(),
        answered=answered,
        unanswered=unanswered,
        unanswered_rule=vote.unanswered_rule,
        issued_by=actor,
    )


@dataclass(frozen=True)
class ReceiptCheck:
    code: str
    issued_at: datetime
    answered: int
    unanswered: int
    superseded: bool
    counted: bool


def normalise(code: str) -> str:
    letters = "".join(c for c in code.upper() if c.isalnum())
    return "-".join(letters[i : i + 4] for i in range(0, len(letters), 4))


def check_receipt(*, vote: OwnersVote, code: str) -> ReceiptCheck:
    """Is the ballot behind ``code`` in this meeting's ballot box and counted?"""
    receipt = BallotReceipt.objects.filter(vote=vote, code=normalise(code)).first()
    if receipt is None:
        raise _invalid(
            _("No ballot of this meeting has that code. Check it and try again."), "code"
        )
    counted = Ballot.objects.filter(
        matter__vote=vote, voter_id=receipt.voter_id, confirmed=True
    ).exists()
    return ReceiptCheck(
        code=receipt.code,
        issued_at=receipt.issued_at,
        answered=receipt.answered,
        unanswered=receipt.unanswered,
        superseded=receipt.superseded,
        counted=counted,
    )
