"""Text shown on the public pages (no login), with what points at a person taken out.

Notices, timeline steps and decisions are written for the compound's residents, who are
logged in; the public pages show them to anyone. What the records themselves may put in
such a text is removed before it is shown: the names of the compound's people on record
(residents, the parties' staff, election candidates: an election's results name them),
phone numbers and room numbers (a building followed by digits, or digits followed by 室).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from deliberation.models import Compound, Matter, Membership, Residency, User

HIDDEN = "＊＊"

#: Mobile numbers and fixed lines (with or without area code, spaces or dashes).
PHONE = re.compile(
    r"(?<!\d)(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{3,4}[\s-]?\d{4}|\d{8})(?!\d)"
)
#: A room: "2号楼302", "2号楼-302", "2号楼 3单元 302", "302室", "302号房".
ROOM = re.compile(r"(号楼|楼|单元)[\s-]*(\d+单元)?[\s-]*\d{2,5}|\d{2,5}\s*(室|号房)")
#: Names shorter than this are not searched for (a one-character name would hide every
#: occurrence of that character).
MIN_NAME = 2


@dataclass(frozen=True)
class Redactor:
    """Takes the names it was given, phone numbers and room numbers out of a text."""

    names: re.Pattern[str] | None

    def __call__(self, text: str) -> str:
        if not text:
            return text
        if self.names is not None:
            text = self.names.sub(HIDDEN, text)
        text = PHONE.sub(HIDDEN, text)
        return ROOM.sub(lambda m: (m.group(1) or "") + HIDDEN, text)


def redactor_for(names: Iterable[str]) -> Redactor:
    wanted = sorted({n.strip() for n in names if n and len(n.strip()) >= MIN_NAME}, key=len)
    if not wanted:
        return Redactor(None)
    # Longest first, so that a name inside a longer one does not leave the rest behind.
    return Redactor(re.compile("|".join(re.escape(n) for n in reversed(wanted))))


def compound_redactor(compound: Compound | int, extra: Iterable[str] = ()) -> Redactor:
    """The names a text about the compound may carry (one query): its residents, the staff
    of the organizations serving it, candidates in its elections (and ``extra``)."""
    c = compound if isinstance(compound, Compound) else Compound.objects.get(pk=compound)
    orgs = [
        o
        for o in (
            c.property_provider_id,
            c.owners_committee_id,
            getattr(c.community, "party_committee_id", None),
            getattr(c.community, "residents_committee_id", None),
        )
        if o
    ]
    # One id subquery per source, united: each reads its own index (the compound's units'
    # residencies, the organizations' memberships, the compound's matters). The same three
    # as OR-ed joins made PostgreSQL hash every user, residency and unit of the district
    # (380 ms at a district of 500,000 units, docs/scaling.md). A UNION's parts are unordered.
    residents = Residency.objects.filter(unit__building__compound=c).order_by()
    staff = Membership.objects.filter(organization_id__in=orgs).order_by()
    candidates = Matter.objects.filter(vote__compound=c, candidate__isnull=False).order_by()
    ids = residents.values("user_id").union(
        staff.values("user_id"), candidates.values("candidate_id")
    )
    people = User.objects.filter(pk__in=ids)
    rows = people.values_list("display_name", "username", "last_name", "first_name")
    names: list[str] = list(extra)
    for display, username, last, first in rows:
        names += [display or username, f"{last}{first}", f"{first} {last}"]
    return redactor_for(names)
