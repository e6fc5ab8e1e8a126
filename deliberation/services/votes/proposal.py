"""Putting a meeting on the agenda: the committee's proposal and a consultation session's
referral (Civil Code art. 278: the matters are typed by its nine kinds)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.models import Compound, Matter, MeetingRules, OwnersVote, User
from deliberation.user_text import clean_field

from .common import MatterSpec, S, _changed, _invalid, follow


def _create_matters(vote: OwnersVote, matters: list[MatterSpec]) -> None:
    if not matters:
        raise _invalid(_("Put at least one matter on the agenda."))
    for i, spec in enumerate(matters, start=1):
        law.MatterKind(spec.kind)  # only the nine kinds of art. 278
        if not spec.title.strip():
            raise _invalid(_("Every matter needs a title."))
        title = clean_field(Matter, "title", spec.title)
        description = clean_field(Matter, "description", spec.description)
        Matter.objects.create(
            vote=vote,
            position=i,
            kind=spec.kind,
            title=title,
            description=description,
            effect=spec.effect,
            effect_organization=spec.effect_organization,
            candidate=spec.candidate,
        )


def _new_vote(
    *, actor: User, compound: Compound, title: str, origin: str, status: str, note: str = ""
) -> OwnersVote:
    if not title.strip():
        raise _invalid(_("The vote needs a title."))
    title = clean_field(OwnersVote, "title", title)
    rules = MeetingRules.objects.filter(compound=compound).first()
    return OwnersVote.objects.create(
        compound=compound,
        title=title,
        origin=origin,
        origin_note=note,
        status=status,
        proposed_by=actor,
        non_voters_follow_majority=bool(rules and rules.non_voters_follow_majority),
    )


@transaction.atomic
def propose_vote(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec]
) -> OwnersVote:
    """The owners' committee (or 物管会) proposes a meeting; it goes to review."""
    policy.require(actor, "vote.propose", compound)
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.COMMITTEE,
        status=S.REVIEW,
    )
    _create_matters(vote, matters)
    _changed(vote, "vote.proposed", actor)
    return vote


@transaction.atomic
def propose_from_session(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec], origin: str
) -> OwnersVote:
    """Hook for consultation sessions: refer a resolution to the owners' general meeting.

    Called by the sessions area when a resolution needs the owners' decision (Civil Code
    art. 278). ``actor`` is the person closing the resolution (party staff serving the
    compound); ``origin`` is a short human reference shown on the vote, e.g.
    ``"议事协商会 #12 决议 3"``; ``matters`` are ``MatterSpec`` rows typed by art. 278. The
    vote starts at review by the residents' committee, like a committee proposal.
    """
    policy.require(actor, "vote.refer", compound)
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.SESSION,
        status=S.REVIEW,
        note=origin[:200],
    )
    _create_matters(vote, matters)
    _changed(vote, "vote.proposed", actor)
    follow(vote, actor=actor)  # the residents' committee has a review to do
    return vote
