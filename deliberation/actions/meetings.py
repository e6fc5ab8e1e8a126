"""Owners checking their ballot receipts: whoever may see a vote can ask whether the ballot
behind a code is counted; the answer never tells anyone the choices (docs/law.md §8).

Apart from ``votes.py`` (the procedure's steps) because it is the owner's own check, not
a step of the meeting.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.models import OwnersVote, Session, User
from deliberation.services import sessions as session_services
from deliberation.services import votes as services
from deliberation.services.sessions.common import current_item
from deliberation.vote_forms import ReceiptCheckForm

from .registry import Action, Outcome, declare
from .session_room import refusals
from .votes import S, _when


def _check(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    found = services.check_receipt(vote=vote, code=data["code"])
    if found.superseded:
        message = _(
            "Receipt %(code)s was replaced by a later ballot of the same owner: check the "
            "newest code."
        )
    elif found.counted:
        message = _(
            "The ballot with receipt %(code)s (confirmed %(when)s, %(answered)s matters "
            "answered, %(blank)s left blank) is in the ballot box and counted."
        )
    else:
        message = _("The ballot with receipt %(code)s is not counted.")
    return Outcome(
        message
        % {
            "code": found.code,
            "when": _when(found.issued_at),
            "answered": found.answered,
            "blank": found.unanswered,
        }
    )


declare(
    Action(
        kind="vote",
        name="check_receipt",
        rule="vote.view",
        label=pgettext_lazy("vote action", "Check a ballot receipt"),
        help=gettext_lazy(
            "Enter the code of a receipt to see whether that ballot is counted; the choices "
            "stay secret."
        ),
        run=_check,
        form=ReceiptCheckForm,
        when=lambda v: v.status in (S.VOTING, S.CLOSED, S.TALLIED, S.PUBLISHED),
        order=5,
    )
)


def refer_reserved(session: Session, actor: Any, kind: str) -> Outcome:
    """A resolution on a matter reserved to the owners (Civil Code art. 278, e.g. item 5,
    using the maintenance fund) is not put to the parties: the item is referred to an
    owners' vote instead (docs/law.md §8)."""
    item = current_item(session)
    with refusals():
        session_services.refer_to_owners_vote(actor=actor, item=item, kind=kind)
    return Outcome(
        _(
            "Item %(order)s is for the owners to decide (Civil Code art. 278): it is referred "
            "to an owners' vote, which the residents' committee reviews next."
        )
        % {"order": item.order}
    )
