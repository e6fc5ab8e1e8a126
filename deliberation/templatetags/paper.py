"""The code of a paper ballot beside an entry waiting for its second person, so that they
match it against the paper in their hand (``deliberation.selectors.ballot_codes``)."""

from __future__ import annotations

from django import template

from deliberation.models import Ballot
from deliberation.selectors.ballot_codes import ballot_code as code_of

register = template.Library()


@register.filter
def ballot_code(ballot: Ballot) -> str:
    return code_of(ballot.matter.vote_id, ballot.voter_id)
