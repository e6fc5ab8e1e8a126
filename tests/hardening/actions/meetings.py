"""Matrix rows of the meeting steps declared in ``deliberation/actions/meetings.py``: an
owner's check of a ballot receipt, open to whoever may see the vote."""

from __future__ import annotations

from typing import Any

from deliberation.models import BallotReceipt

from . import Row, allowed_roles
from .votes import noticed, voting

#: Who may see a vote in 团结公寓 (its serving organizations, the subdistrict, residents).
VIEWERS = allowed_roles(
    "party_committee",
    "residents_committee",
    "property_firm",
    "owners_committee",
    "subdistrict_office",
    "supervision_group",
    "resident",
)


def _receipt_code(demo: Any, vote: Any, user: Any) -> dict[str, Any]:
    receipt = BallotReceipt.objects.filter(vote=vote).first()
    if receipt is None:
        voter = vote.voters.order_by("pk").first()
        receipt = BallotReceipt.objects.create(
            vote=vote,
            voter=voter,
            code="MTRX-CODE-0001",
            answered=1,
            unanswered=0,
            unanswered_rule=vote.unanswered_rule,
            issued_by=demo.user("jumin"),
        )
    return {"check_receipt-code": receipt.code}


ROWS: list[Row] = [
    Row(
        "vote.check_receipt",
        VIEWERS,
        available=voting,
        unavailable=noticed,
        data=_receipt_code,
    ),
]

BUDGETS: dict[str, Any] = {}
