"""What a passed matter changes: a work order, the register of firms, the committee.

BJ reg. art. 37 / Civil Code art. 280: a decision binds all owners; the parties carry it out.
"""

from __future__ import annotations

from importlib import import_module

from deliberation.models import Compound, Matter, Membership, OwnersVote, User


def carry_out(*, actor: User, vote: OwnersVote, matter: Matter) -> None:
    effect = matter.effect
    if effect == Matter.Effect.WORK_ORDER:
        _work_order(actor, vote, matter)
    elif effect == Matter.Effect.PROPERTY_FIRM and matter.effect_organization is not None:
        # Civil Code art. 278 (4): the owners chose a new property firm.
        Compound.objects.filter(pk=vote.compound_id).update(
            property_provider=matter.effect_organization,
            management_mode=Compound.ManagementMode.MARKET_FIRM,
        )
    elif effect == Matter.Effect.COMMITTEE and matter.candidate is not None:
        # Civil Code art. 278 (3): an elected member joins the owners' committee.
        committee_id = vote.compound.owners_committee_id
        if committee_id:
            Membership.objects.update_or_create(
                user=matter.candidate,
                organization_id=committee_id,
                role=Membership.Role.MEMBER,
                defaults={"is_owner_representative": True, "active": True},
            )


def _work_order(actor: User, vote: OwnersVote, matter: Matter) -> None:
    """Dispatch through the work-order mechanism (issue intake), when it is installed."""
    try:
        work_orders = import_module("deliberation.services.work_orders")
    except ModuleNotFoundError:
        return
    assignee = matter.effect_organization or vote.compound.property_provider
    order = work_orders.dispatch_work_order(
        actor=actor,
        compound=vote.compound,
        organization=assignee,
        title=matter.title,
        description=matter.description,
        origin=matter,
    )
    Matter.objects.filter(pk=matter.pk).update(work_order_id=order.pk)
    matter.work_order_id = order.pk
