"""What a passed matter changes: a work order, the register of firms, the committee.

BJ reg. art. 37 / Civil Code art. 280: a decision binds all owners; the parties carry it out.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from deliberation.law.owners_votes import MatterKind
from deliberation.models import AdoptedText, Handover, Matter, OwnersVote, User
from deliberation.services.contracts import start_handover
from deliberation.services.work_orders import dispatch_work_order


def carry_out(*, actor: User, vote: OwnersVote, matter: Matter) -> None:
    effect = matter.effect
    if effect == Matter.Effect.WORK_ORDER:
        _work_order(actor, vote, matter)
    elif effect == Matter.Effect.PROPERTY_FIRM and matter.effect_organization is not None:
        # Civil Code art. 278 (4): the owners chose a new property firm. The change is a
        # handover (docs/law.md §12): the old firm carries on until the new one takes over.
        start_handover(
            actor=actor,
            compound=vote.compound,
            new_firm=matter.effect_organization,
            reason=Handover.Reason.VOTE,
            matter=matter,
        )
    elif effect == Matter.Effect.ADOPT_TEXT:
        adopt_text(vote=vote, matter=matter)
    # Matter.Effect.COMMITTEE: members are ranked across all candidates once the vote is
    # published (services.committees.conclude_election), not one matter at a time.


def _work_order(actor: User, vote: OwnersVote, matter: Matter) -> None:
    """Dispatch the passed matter (e.g. replace the elevators) as a work order."""
    assignee = matter.effect_organization or vote.compound.property_provider
    if assignee is None:
        return  # no provider to assign: the committee dispatches it by hand
    order = dispatch_work_order(
        actor=actor,
        responsible=assignee,
        title=matter.title,
        description=matter.description or vote.title,
        compound=vote.compound,
        origin=matter,
        acceptance_criteria=_("Carried out as decided by the owners' meeting: %(vote)s")
        % {"vote": vote.title},
    )
    Matter.objects.filter(pk=matter.pk).update(work_order=order)
    matter.work_order = order


def adopt_text(*, vote: OwnersVote, matter: Matter) -> AdoptedText:
    """Civil Code art. 278 (1)–(2): the adopted meeting rules or covenant become the
    compound's current version; the earlier versions stay as its history."""
    kind = (
        AdoptedText.Kind.MEETING_RULES
        if matter.kind == MatterKind.MEETING_RULES
        else AdoptedText.Kind.COVENANT
    )
    latest = (
        AdoptedText.objects.select_for_update()
        .filter(compound_id=vote.compound_id, kind=kind)
        .order_by("-version")
        .first()
    )
    return AdoptedText.objects.create(
        compound_id=vote.compound_id,
        kind=kind,
        version=(latest.version + 1) if latest else 1,
        title=matter.title,
        text=matter.description,
        matter=matter,
    )
