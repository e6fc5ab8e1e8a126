"""The owners' petition for a temporary meeting and its convening (BJ reg. arts. 35–36)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.live.refresh import refresh_tasks
from deliberation.models import Compound, OwnersVote, PetitionSignature, User
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.services.stored_files import files_removed_on_rollback

from .common import (
    MatterSpec,
    S,
    VoteConflict,
    _changed,
    _invalid,
    _locked,
    _push,
    _require_status,
    vote_changed,
)
from .proposal import _create_matters, _new_vote


def _owners(vote: OwnersVote) -> list[int]:
    """The people on the register: their "sign the petition" task comes and goes."""
    return [h.person_id for h in owner_register(vote.compound).heads if h.person_id]


@files_removed_on_rollback()  # the matters' documents
def start_petition(
    *, actor: User, compound: Compound, title: str, matters: list[MatterSpec]
) -> OwnersVote:
    """An owner starts a petition for a temporary meeting and signs it first."""
    policy.require(actor, "vote.petition", compound)
    register = owner_register(compound)
    head = register.head(head_key(person_id=actor.pk))
    if head is None:
        raise _invalid(_("Only owners on the register can start a petition."))
    vote = _new_vote(
        actor=actor,
        compound=compound,
        title=title,
        origin=OwnersVote.Origin.PETITION,
        status=S.PETITIONING,
    )
    vote.total_heads, vote.total_area = register.total.heads, register.total.area
    vote.petition_needed = law.petition_heads_needed(vote.total_heads)
    vote.save(update_fields=["total_heads", "total_area", "petition_needed"])
    _create_matters(vote, matters)
    PetitionSignature.objects.create(vote=vote, key=head.key, label=head.label, recorded_by=actor)
    vote_changed.send(sender=OwnersVote, vote=vote)  # the process starts
    refresh_tasks(users=_owners(vote), actor=actor)  # every owner: "sign the petition"
    _after_signature(vote, actor, kind="vote.petition_started")
    return vote


def _after_signature(
    vote: OwnersVote, actor: User, *, kind: str, signer: int | None = None
) -> None:
    """Count the signatures; at 20 % the committee must convene and nobody signs any more."""
    signed = vote.signatures.count()
    if law.petition_reached(signed, vote.total_heads):  # BJ reg. art. 35
        now = timezone.now()
        vote.status = S.CONVENING
        vote.petition_reached_at = now
        vote.convene_by = law.convene_deadline(now)
        vote.save(update_fields=["status", "petition_reached_at", "convene_by"])
        _changed(vote, "vote.petition_reached", actor)
        refresh_tasks(users=_owners(vote), actor=actor)
    else:
        _push(vote, kind, actor)
        if signer:  # their "sign the petition" task is done
            refresh_tasks(users=[signer], actor=actor)


@transaction.atomic
def sign_petition(*, actor: User, vote: OwnersVote) -> PetitionSignature:
    """An owner signs online. One signature per head (an owner of several units signs once)."""
    vote = _locked(vote)
    policy.require(actor, "vote.sign", vote)
    _require_status(vote, S.PETITIONING)
    head = owner_register(vote.compound).head(head_key(person_id=actor.pk))
    if head is None:
        raise _invalid(_("Only owners on the register can sign."))
    if vote.signatures.filter(key=head.key).exists():
        raise VoteConflict(_("You have already signed this petition."))
    sig = PetitionSignature.objects.create(
        vote=vote, key=head.key, label=head.label, recorded_by=actor
    )
    _after_signature(vote, actor, kind="vote.signed", signer=actor.pk)
    return sig


@transaction.atomic
def record_paper_signature(*, actor: User, vote: OwnersVote, key: str) -> PetitionSignature:
    """Staff record an owner's signature on paper (the head is chosen from the register)."""
    vote = _locked(vote)
    policy.require(actor, "vote.record_paper", vote)
    _require_status(vote, S.PETITIONING)
    head = owner_register(vote.compound).head(key)
    if head is None:
        raise _invalid(_("Choose an owner from the register."))
    if vote.signatures.filter(key=key).exists():
        raise VoteConflict(_("This owner has already signed."))
    sig = PetitionSignature.objects.create(
        vote=vote, key=key, label=head.label, online=False, recorded_by=actor
    )
    _after_signature(vote, actor, kind="vote.signed", signer=head.person_id)
    return sig


@transaction.atomic
def order_convening(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """BJ reg. art. 36: owners may ask the subdistrict to order the committee to convene."""
    vote = _locked(vote)
    policy.require(actor, "vote.order", vote)
    _require_status(vote, S.CONVENING)
    vote.convening_ordered_at = timezone.now()
    vote.save(update_fields=["convening_ordered_at"])
    _push(vote, "vote.ordered", actor)
    return vote


@transaction.atomic
def convene(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """The committee convenes the temporary meeting (BJ reg. art. 35); if it has not by the
    deadline, or the subdistrict ordered it in vain, the subdistrict convenes (art. 36)."""
    vote = _locked(vote)
    policy.require(actor, "vote.convene", vote)
    _require_status(vote, S.CONVENING)
    vote.status = S.REVIEW
    vote.convened_by = actor
    vote.convened_by_subdistrict = not policy.can(actor, "vote.propose", vote.compound)
    vote.save(update_fields=["status", "convened_by", "convened_by_subdistrict"])
    _changed(vote, "vote.convened", actor)
    return vote
