"""The public pages (no login) and who is handed an issue's public status link.

The public pages show what is public by law or practice about places and organizations
(a compound's notice board, its services directory, its committee's term, published minutes
and vote results) and never a person; anyone may read them, logged in or not. An issue's
public status is reached only through its unguessable link, which its reporter is given;
the residents' committee serving the compound (and the subdistrict) may hand it to a caller
who reported by phone or in person.
"""

from __future__ import annotations

from typing import Any

from .principal import COMMUNITY_KINDS, Principal
from .registry import action


@action("public.view")
def view_public(p: Principal, _place: Any) -> bool:
    """Anyone: the subdistrict's, a community's and a compound's public pages, the guide."""
    return True


@action("issue.share_status")
def share_status(p: Principal, issue: Any) -> bool:
    if not p.is_authenticated:
        return False
    if issue.reporter_id is not None and issue.reporter_id == p.user_id:
        return True
    if issue.compound_id is None:
        return p.is_subdistrict
    return p.is_subdistrict or p.serves(issue.compound_id, *COMMUNITY_KINDS)
