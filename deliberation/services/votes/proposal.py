"""Putting a meeting on the agenda: the committee's proposal and a consultation session's
referral (Civil Code art. 278: the matters are typed by its nine kinds)."""

from __future__ import annotations

from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.models import (
    Compound,
    Matter,
    MatterDocument,
    MeetingRules,
    Organization,
    OwnersVote,
    User,
)
from deliberation.services.stored_files import files_removed_on_rollback, save_file
from deliberation.user_text import clean_field

from .common import MatterSpec, S, _changed, _invalid, follow

#: The most matters one meeting puts to the owners (docs/law.md §3 [practice]): enough for
#: a full agenda (团结公寓 votes five), few enough for one paper ballot.
MAX_MATTERS = 20
E = Matter.Effect
#: The matters whose adopted text becomes the compound's current version (art. 278 (1)–(2)).
TEXT_KINDS = (law.MatterKind.MEETING_RULES, law.MatterKind.COVENANT)


def effect_problem(compound: Compound, spec: MatterSpec) -> str:
    """Why a matter's follow-up could not be carried out if it passed ("" when it can):
    nothing a vote decides may be skipped silently afterwards."""
    org = spec.effect_organization
    if spec.effect == E.PROPERTY_FIRM:
        if spec.kind != law.MatterKind.MANAGER:
            return _("A new property firm is chosen under art. 278 (4) (the property firm).")
        if org is None or org.kind != Organization.Kind.PROPERTY_FIRM:
            return _("Choose the new property firm from the list.")
        if org.pk == compound.property_provider_id:
            return _("%(firm)s already serves this compound.") % {"firm": org.name}
    elif spec.effect == E.WORK_ORDER:
        if org is None and compound.property_provider_id is None:
            return _(
                "This compound has no property service provider: name who carries out the "
                "work order."
            )
        if org is not None and not org.is_provider_kind:
            return _("Choose a property firm or property-rights unit to carry out the work.")
    elif spec.effect == E.ADOPT_TEXT:
        if spec.kind not in TEXT_KINDS:
            return _("Only meeting rules or a management covenant (art. 278 (1)–(2)) adopt a text.")
        if not spec.description.strip():
            return _("Give the full text that the owners adopt.")
    elif spec.effect not in E.values:
        return _("Choose what happens when the matter passes.")
    return ""


def _create_matters(vote: OwnersVote, matters: list[MatterSpec]) -> None:
    if not matters:
        raise _invalid(_("Put at least one matter on the agenda."))
    if len(matters) > MAX_MATTERS:
        raise _invalid(_("At most %(n)d matters on one meeting's agenda.") % {"n": MAX_MATTERS})
    for i, spec in enumerate(matters, start=1):
        law.MatterKind(spec.kind)  # only the nine kinds of art. 278
        if not spec.title.strip():
            raise _invalid(_("Every matter needs a title."))
        problem = effect_problem(vote.compound, spec)
        if problem:
            raise _invalid(problem)
        title = clean_field(Matter, "title", spec.title)
        description = clean_field(Matter, "description", spec.description)
        keeps_org = spec.effect in (E.PROPERTY_FIRM, E.WORK_ORDER)
        matter = Matter.objects.create(
            vote=vote,
            position=i,
            kind=spec.kind,
            title=title,
            description=description,
            effect=spec.effect,
            effect_organization=spec.effect_organization if keeps_org else None,
            candidate=spec.candidate,
        )
        for upload, content_type, ext in spec.documents:
            doc = MatterDocument(
                matter=matter,
                token=get_random_string(24),
                name=(upload.name or f"document.{ext}")[:120],
                content_type=content_type,
                size=upload.size or 0,
            )
            save_file(doc.file, f"document.{ext}", upload)
            doc.save()


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
        unanswered_rule=rules.unanswered if rules else law.DEFAULT_UNANSWERED.value,
    )


@files_removed_on_rollback()
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


@files_removed_on_rollback()
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
