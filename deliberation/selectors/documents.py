"""What the printed documents of an owners' meeting and a session say (the PDFs).

Each function gathers one document's content in a fixed number of queries, whatever the
size of the register, so that printing 300 ballots costs no more queries than printing 3.
The documents cite their basis (docs/law.md §1, §3): a notice lists the matters with their
thresholds (Civil Code art. 278) and the voting time, place and method (BJ reg. art. 35);
results are posted within 3 days (art. 37).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from deliberation.law import owners_votes as law
from deliberation.models import Ballot, Matter, Minutes, Organization, OwnersVote, Session, Voter

from .ballot_codes import ballot_code
from .votes import turnout


@dataclass(frozen=True)
class PrintedMatter:
    """A matter as a document states it: its art. 278 kind and what it takes to pass."""

    matter: Matter
    threshold: str


@dataclass(frozen=True)
class PrintedBallot:
    """One owner's paper ballot: who, which units, what area, and its code."""

    voter: Voter
    code: str


@dataclass(frozen=True)
class PrintedResult:
    """One matter's stored tally, as the announcement states it."""

    matter: Matter
    outcome: str
    agree: tuple[int, Decimal]
    disagree: tuple[int, Decimal]
    abstain: tuple[int, Decimal]
    participating: tuple[int, Decimal]


def _threshold(kind: str) -> str:
    if law.needs_supermajority(kind):
        return _(
            "at least three quarters of the participating area and of the participating owners"
        )
    return _("more than half of the participating area and of the participating owners")


def printed_matters(vote: OwnersVote) -> list[PrintedMatter]:
    return [PrintedMatter(m, _threshold(m.kind)) for m in vote.matters.all().order_by("position")]


def issuing_organization(vote: OwnersVote) -> Organization | None:
    """Who signs the meeting's papers: whoever convenes it (BJ reg. arts. 35–36): the
    owners' committee or 物管会, else the residents' committee. Expects ``compound__community``
    loaded with both organizations."""
    compound = vote.compound
    if vote.convened_by_subdistrict or compound.owners_committee is None:
        return compound.community.residents_committee
    return compound.owners_committee


def vote_for_print(pk: int) -> OwnersVote | None:
    return (
        OwnersVote.objects.select_related(
            "compound__community__residents_committee",
            "compound__community__subdistrict",
            "compound__owners_committee",
            "observer",
        )
        .filter(pk=pk)
        .first()
    )


def notice_document(vote: OwnersVote) -> dict[str, Any]:
    """The meeting notice (业主大会会议通知): matters, time, place, method (BJ reg. art. 35)."""
    return {
        "vote": vote,
        "issuer": issuing_organization(vote),
        "matters": printed_matters(vote),
    }


def ballot_documents(vote: OwnersVote, *, voter_id: int | None = None) -> dict[str, Any]:
    """A paper ballot per owner on the register who has returned none yet (online or on
    paper), each with its code; with ``voter_id``, that one owner's (a replacement)."""
    voters = Voter.objects.filter(vote=vote).order_by("label", "pk")
    if voter_id is not None:
        voters = voters.filter(pk=voter_id)
    else:
        voters = voters.exclude(Exists(Ballot.objects.filter(voter=OuterRef("pk"))))
    return {
        "vote": vote,
        "issuer": issuing_organization(vote),
        "matters": printed_matters(vote),
        "ballots": [PrintedBallot(v, ballot_code(vote.pk, v.pk)) for v in voters],
    }


#: Blank signature rows on one printed petition sheet.
PETITION_ROWS = 15


def petition_document(vote: OwnersVote) -> dict[str, Any]:
    """The petition form for a temporary meeting (BJ reg. art. 35: 20 % of the owners):
    the matters and blank rows to sign. Signatures already given are counted, not named."""
    return {
        "vote": vote,
        "addressee": vote.compound.owners_committee or vote.compound.community.residents_committee,
        "matters": printed_matters(vote),
        "signed": vote.signatures.count(),
        "rows": range(1, PETITION_ROWS + 1),
    }


def _weight(value: Any) -> tuple[int, Decimal]:
    heads, area = value if value else (0, "0")
    return int(heads), Decimal(area).quantize(Decimal("0.01"))


def results_document(vote: OwnersVote) -> dict[str, Any]:
    """The results announcement (表决结果公告) from the stored tally (BJ reg. art. 37)."""
    labels = {
        law.Outcome.PASSED: _("passed"),
        law.Outcome.REJECTED: _("rejected"),
        law.Outcome.VOID_NO_QUORUM: _("void: no quorum"),
    }
    results = []
    for m in vote.matters.all().order_by("position"):
        strict = m.tally.get("strict", {})
        results.append(
            PrintedResult(
                matter=m,
                outcome=labels.get(m.outcome, m.outcome),  # type: ignore[call-overload]
                agree=_weight(strict.get("agree")),
                disagree=_weight(strict.get("disagree")),
                abstain=_weight(strict.get("abstain")),
                participating=_weight(strict.get("participating")),
            )
        )
    return {
        "vote": vote,
        "issuer": issuing_organization(vote),
        "results": results,
        "turnout": turnout(vote),
        "publication_days": law.PUBLICATION_DAYS,
    }


def minutes_document(session: Session, record: Minutes) -> dict[str, Any]:
    """The minutes (会议纪要) as stored, with who convened and chaired (``session`` loaded
    with its community, convening organization and chair)."""
    return {"session": session, "minutes": record, "paragraphs": record.text_display.split("\n")}
