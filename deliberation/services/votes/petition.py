"""The owners' petition for a temporary meeting and its convening (BJ reg. arts. 35–36)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.live.outbox import record_event
from deliberation.live.refresh import refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import Compound, NotificationKind, OwnersVote, PetitionSignature, User
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.selectors.votes import signatures_context
from deliberation.services import notifications
from deliberation.services.stored_files import files_removed_on_rollback
from deliberation.user_text import clean_field

from .common import (
    MatterSpec,
    S,
    VoteConflict,
    _acting_org,
    _changed,
    _invalid,
    _locked,
    _push,
    _require_status,
    vote_changed,
)
from .proposal import _create_matters, _new_vote

How = PetitionSignature.How


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
    _push_signatures(vote, actor)
    _after_signature(vote, actor, kind="vote.signed", signer=actor.pk)
    return sig


def _push_signatures(vote: OwnersVote, actor: User) -> None:
    """The signatures list, with names and who entered what: for the staff who check it."""
    record_event(
        topic=topic("vote", vote.pk, "staff"),
        kind="vote.signatures",
        template="votes/_signatures.html",
        context=signatures_context(vote),
        actor=actor,
    )


#: The ways staff enter a signature for an owner (assisted participation, docs/law.md §13).
ENTERED_FOR = (How.PAPER, How.IN_PERSON, How.PHONE)


@transaction.atomic
def record_signature_for(
    *,
    actor: User,
    vote: OwnersVote,
    key: str,
    how: str,
    call_at: datetime | None = None,
    call_note: str = "",
) -> PetitionSignature:
    """Staff enter the signature of an owner chosen from the register, given on a paper
    form, in person or by phone (BJ reg. art. 35 counts owners who sign, not how; docs/
    law.md §13: the timeline says who entered it for whom).

    A phone signature leaves no paper behind, so its call is noted: when it took place and
    who called whom from which number. That is the least a dispute needs: the owner (or the
    committee) can hold it against the telephone bill, and the owner is told at once
    (``entered_for`` notification) so a wrong entry is challenged while the petition runs.
    Call details given with another way are ignored (the form shows them for phone only).
    """
    vote = _locked(vote)
    policy.require(actor, "vote.record_paper", vote)
    _require_status(vote, S.PETITIONING)
    if how not in ENTERED_FOR:
        raise _invalid(_("Choose how the owner gave the signature."), "how")
    head = owner_register(vote.compound).head(key)
    if head is None:
        raise _invalid(_("Choose an owner from the register."), "key")
    earlier = vote.signatures.filter(key=key).first()
    if earlier is not None:
        raise VoteConflict(
            _("%(owner)s has already signed this petition (%(how)s, %(when)s).")
            % {
                "owner": earlier.label,
                "how": earlier.get_how_display(),
                "when": date_format(timezone.localtime(earlier.signed_at), "SHORT_DATETIME_FORMAT"),
            }
        )
    if how == How.PHONE:
        call_at, call_note = _checked_call(vote, call_at, call_note)
    else:
        call_at, call_note = None, ""
    organization = _acting_org(actor, vote)
    sig = PetitionSignature.objects.create(
        vote=vote,
        key=key,
        label=head.label,
        how=how,
        recorded_by=actor,
        organization=organization,
        call_at=call_at,
        call_note=call_note,
    )
    _push_signatures(vote, actor)
    if head.person_id and head.person_id != actor.pk:
        sig.owner_told = bool(
            notifications.notify(
                recipients=User.objects.filter(pk=head.person_id),
                kind=NotificationKind.ENTERED_FOR,
                msgid=gettext_noop(
                    "%(org)s entered your signature on the petition “%(title)s” for you "
                    "(%(signature_how)s). If you did not give it, tell the residents' committee."
                ),
                params={"org": organization.name, "title": vote.title, "signature_how": how},
                target=("vote", vote.pk),
                url=reverse("vote-detail", args=[vote.pk]),
                dedupe=f"vote:{vote.pk}:signature:{key}",
            )
        )
    _after_signature(vote, actor, kind="vote.signed", signer=head.person_id)
    return sig


def _checked_call(
    vote: OwnersVote, call_at: datetime | None, call_note: str
) -> tuple[datetime, str]:
    """A phone call's time (after the petition started, not in the future) and its note."""
    if call_at is None:
        raise _invalid(_("Enter when the call took place."), "call_at")
    if call_at > timezone.now():
        raise _invalid(_("The call cannot be in the future."), "call_at")
    if call_at < vote.created_at.replace(second=0, microsecond=0):  # a clerk gives minutes
        raise _invalid(_("The call must be after the petition started."), "call_at")
    try:
        note = clean_field(PetitionSignature, "call_note", call_note, required=True)
    except ValidationError as error:
        raise _invalid(error.messages[0], "call_note") from None
    return call_at, note


def record_paper_signature(*, actor: User, vote: OwnersVote, key: str) -> PetitionSignature:
    """Staff record an owner's signature on a paper form (the head is chosen from the
    register)."""
    return record_signature_for(actor=actor, vote=vote, key=key, how=How.PAPER)


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
