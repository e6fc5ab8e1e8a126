"""The contract register of a compound and the change of firm (docs/law.md §12).

Tasks: the firm's notice of non-renewal, due 90 days (or as the contract says) before the
term ends (Civil Code art. 947); the owners' notice to the old firm, the handover checklist
(art. 949) and the takeover, each due on the takeover date (art. 946's notice period).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.contract_forms import CHECKLIST_LABELS, ContractForm, DismissForm, TickForm
from deliberation.live.topics import topic
from deliberation.models import Compound, Handover, ServiceContract
from deliberation.policy.principal import OWNER_BODY_KINDS, Kind, Principal
from deliberation.services import contracts as services

from .compounds import compound_organizations
from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

H = Handover.Status


def contracts_page(compound_id: int) -> str:
    return reverse("compound-contracts", args=[compound_id])


def _end_of(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _audience(compound: Compound, *firms: int | None) -> Audience:
    return Audience(
        topics=(topic("compound", compound.pk, "public"),),
        organizations=(*compound_organizations(compound), *(f for f in firms if f)),
    )


def _owners_side_compounds(p: Principal) -> list[int]:
    kinds = (*OWNER_BODY_KINDS, Kind.RESIDENTS_COMMITTEE)
    return [c for c in p.served_compounds if p.serves(c, *kinds)]


_COMPOUND_JOINS = ("compound__community", "compound__owners_committee")


def _load_register(pk: int) -> Compound | None:
    return Compound.objects.select_related("community", "owners_committee").filter(pk=pk).first()


def _load_contract(pk: int) -> ServiceContract | None:
    return ServiceContract.objects.select_related("firm", *_COMPOUND_JOINS).filter(pk=pk).first()


def _load_handover(pk: int) -> Handover | None:
    joins = ("old_firm", "new_firm", *_COMPOUND_JOINS)
    return Handover.objects.select_related(*joins).filter(pk=pk).first()


def _contract_candidates(p: Principal) -> Iterable[ServiceContract]:
    """Contracts of the person's firms nearing the end of their term, without notice."""
    if not p.org_kinds:
        return []
    horizon = timezone.localdate() + timedelta(days=400)
    return (
        ServiceContract.objects.select_related("firm", *_COMPOUND_JOINS)
        .filter(
            firm_id__in=list(p.org_kinds),
            ended_at__isnull=True,
            non_renewal_notice_at__isnull=True,
            ends_on__lte=horizon,
        )
        .order_by("ends_on", "id")[:200]
    )


def _handover_candidates(p: Principal) -> Iterable[Handover]:
    if not p.org_kinds:
        return []
    firms = list(p.org_kinds)
    mine = (
        Q(old_firm_id__in=firms)
        | Q(new_firm_id__in=firms)
        | Q(compound_id__in=_owners_side_compounds(p))
    )
    return (
        Handover.objects.select_related("old_firm", "new_firm", *_COMPOUND_JOINS)
        .exclude(status=H.TAKEN_OVER)
        .filter(mine)
        .order_by("takeover_on", "id")[:200]
    )


declare_kind(
    ObjectKind(
        name="contract_register",
        model=Compound,
        label=pgettext_lazy("kind", "contract register"),
        load=_load_register,
        page_url=lambda c: contracts_page(c.pk),
        audience=lambda c: _audience(c),
        title=lambda c: c.name,
    )
)
declare_kind(
    ObjectKind(
        name="contract",
        model=ServiceContract,
        label=pgettext_lazy("kind", "property-service contract"),
        load=_load_contract,
        page_url=lambda c: contracts_page(c.compound_id),
        audience=lambda c: _audience(c.compound, c.firm_id),
        task_candidates=_contract_candidates,
        title=lambda c: f"{c.compound.name} · {c.firm.name}",
    )
)
declare_kind(
    ObjectKind(
        name="handover",
        model=Handover,
        label=pgettext_lazy("kind", "change of firm"),
        load=_load_handover,
        page_url=lambda h: contracts_page(h.compound_id),
        audience=lambda h: _audience(h.compound, h.old_firm_id, h.new_firm_id),
        task_candidates=_handover_candidates,
        title=lambda h: f"{h.compound.name} → {h.new_firm.name}",
    )
)


def _register(compound: Compound, actor: Any, data: dict[str, Any]) -> Outcome:
    contract = services.register_contract(actor=actor, compound=compound, **data)
    return Outcome(
        _("Contract with %(firm)s registered: %(start)s to %(end)s.")
        % {
            "firm": contract.firm.name,
            "start": contract.starts_on.isoformat(),
            "end": contract.ends_on.isoformat(),
        },
        redirect=contracts_page(compound.pk),
        reload=True,
    )


def _give_notice(contract: ServiceContract, actor: Any, data: dict[str, Any]) -> Outcome:
    services.give_non_renewal_notice(actor=actor, contract=contract)
    return Outcome(
        _("%(firm)s has given notice that it will not renew after %(end)s.")
        % {"firm": contract.firm.name, "end": contract.ends_on.isoformat()},
        redirect=contracts_page(contract.compound_id),
        reload=True,
    )


def _dismiss(contract: ServiceContract, actor: Any, data: dict[str, Any]) -> Outcome:
    handover = services.start_handover(
        actor=actor,
        compound=contract.compound,
        new_firm=data["new_firm"],
        reason=Handover.Reason.DISMISSAL,
        takeover_on=data["takeover_on"],
        contract=contract,
    )
    assert handover is not None  # the form offers only other firms
    return Outcome(
        _("Change of firm started: %(firm)s takes over on %(date)s; send the notice now.")
        % {"firm": handover.new_firm.name, "date": handover.takeover_on.isoformat()},
        redirect=contracts_page(contract.compound_id),
        reload=True,
    )


def _send_notice(handover: Handover, actor: Any, data: dict[str, Any]) -> Outcome:
    services.send_notice(actor=actor, handover=handover)
    firm = handover.old_firm.name if handover.old_firm else handover.compound.name
    return Outcome(
        _("Notice sent to %(firm)s: it carries on until the takeover on %(date)s.")
        % {"firm": firm, "date": handover.takeover_on.isoformat()}
    )


def _tick(handover: Handover, actor: Any, data: dict[str, Any]) -> Outcome:
    done = services.tick(actor=actor, handover=handover, item=data["item"])
    return Outcome(
        _("Handed over: %(item)s (%(left)s items left).")
        % {"item": CHECKLIST_LABELS[data["item"]], "left": len(done.open_items)}
    )


def _take_over(handover: Handover, actor: Any, data: dict[str, Any]) -> Outcome:
    services.take_over(actor=actor, handover=handover)
    return Outcome(
        _("%(firm)s has taken over %(compound)s; new issues go to it from now on.")
        % {"firm": handover.new_firm.name, "compound": handover.compound.name},
        redirect=contracts_page(handover.compound_id),
        reload=True,
    )


for _action in (
    Action(
        kind="contract_register",
        name="register",
        rule="contracts.register",
        label=pgettext_lazy("contract action", "Register a contract"),
        help=gettext_lazy("The firm, the term, the fees and the service level as signed."),
        run=_register,
        form=ContractForm,
        form_kwargs=lambda compound, user: {"compound": compound},
        weight=Weight.SECONDARY,
    ),
    Action(
        kind="contract",
        name="give_notice",
        rule="contract.give_notice",
        label=pgettext_lazy("contract action", "Give notice of non-renewal"),
        help=gettext_lazy(
            "A firm that will not renew says so in writing before the term ends "
            "(90 days unless the contract says otherwise, Civil Code art. 947)."
        ),
        run=_give_notice,
        when=lambda c: c.ended_at is None and c.non_renewal_notice_at is None,
        task=True,
        due=lambda c: _end_of(c.renewal_notice_due),
        task_label=gettext_lazy("Renew, or give notice of non-renewal"),
        weight=Weight.SECONDARY,
        confirm=gettext_lazy("Tell the owners in writing that the firm will not renew?"),
    ),
    Action(
        kind="contract",
        name="dismiss",
        rule="contract.dismiss",
        label=pgettext_lazy("contract action", "Dismiss the firm"),
        help=gettext_lazy(
            "After the owners have decided it: the firm gets the contract's notice "
            "(60 days unless it says otherwise, Civil Code art. 946) and carries on until "
            "the new firm takes over."
        ),
        run=_dismiss,
        form=DismissForm,
        form_kwargs=lambda contract, user: {"contract": contract},
        when=lambda c: c.ended_at is None and c.firm_id == c.compound.property_provider_id,
        weight=Weight.DANGER,
    ),
    Action(
        kind="handover",
        name="send_notice",
        rule="handover.send_notice",
        label=pgettext_lazy("handover action", "Notice sent to the old firm"),
        help=gettext_lazy("Record that the written notice went out to the firm leaving."),
        run=_send_notice,
        when=lambda h: h.status == H.NOTICE,
        task=True,
        due=lambda h: _end_of(timezone.localdate(h.created_at) + timedelta(days=3)),
        task_label=gettext_lazy("Send the notice to the old firm"),
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="handover",
        name="tick",
        rule="handover.tick",
        label=pgettext_lazy("handover action", "Tick a handed-over item"),
        help=gettext_lazy(
            "Service rooms, facilities, records and funds (Civil Code art. 949), ticked "
            "when handed over."
        ),
        run=_tick,
        form=TickForm,
        form_kwargs=lambda h, user: {"handover": h},
        when=lambda h: h.status == H.HANDING_OVER and not h.checklist_done,
        task=True,
        due=lambda h: _end_of(h.takeover_on),
        task_label=gettext_lazy("Hand over the service"),
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="handover",
        name="take_over",
        rule="handover.take_over",
        label=pgettext_lazy("handover action", "Take over"),
        help=gettext_lazy("From today the new firm serves the compound and new issues go to it."),
        run=_take_over,
        when=services.ready_to_take_over,
        task=True,
        due=lambda h: _end_of(h.takeover_on),
        task_label=gettext_lazy("Take over the service"),
        weight=Weight.PRIMARY,
    ),
):
    declare(_action)
