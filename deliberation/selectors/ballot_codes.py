"""The code printed on each paper ballot (书面表决票编号), typed back in at double entry.

``<vote>-<voter>-<check>``: the two ids name the owner on the meeting's register; the four
check characters (an HMAC under the site's secret) catch a mistyped digit and make a code
of another meeting, or an invented one, fail instead of picking the wrong owner.
"""

from __future__ import annotations

import re

from django.utils.crypto import constant_time_compare, salted_hmac

from deliberation.models import OwnersVote, Voter

_SALT = "yishi.paper-ballot-code"
_SHAPE = re.compile(r"^\s*(\d{1,10})\s*-\s*(\d{1,12})\s*-\s*([0-9a-fA-F]{4})\s*$")


def _check(vote_id: int, voter_id: int) -> str:
    return salted_hmac(_SALT, f"{vote_id}:{voter_id}").hexdigest()[:4].upper()


def ballot_code(vote_id: int, voter_id: int) -> str:
    """The code of one owner's paper ballot in one meeting (no query)."""
    return f"{vote_id}-{voter_id}-{_check(vote_id, voter_id)}"


def voter_for_code(vote: OwnersVote, code: str) -> Voter | None:
    """The owner whose paper ballot carries ``code`` in this meeting, or None when the code
    is malformed, mistyped or belongs elsewhere."""
    match = _SHAPE.match(code or "")
    if match is None:
        return None
    vote_id, voter_id, check = int(match[1]), int(match[2]), match[3].upper()
    if vote_id != vote.pk or not constant_time_compare(check, _check(vote_id, voter_id)):
        return None
    return Voter.objects.filter(vote=vote, pk=voter_id).first()
