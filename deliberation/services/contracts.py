"""The contract register and the change of firm (docs/law.md §12).

Every write locks the row it changes and checks the state after the lock, so two parties
pressing the same step end in one winner and a ``Conflict`` (409) for the other.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.errors import Conflict, InvalidInput
from deliberation.live.refresh import refresh_controls, refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import Compound, Handover, Matter, Organization, ServiceContract
from deliberation.models.contracts import DISMISSAL_NOTICE_DAYS
from deliberation.periodic import periodic
from deliberation.policy.principal import PROVIDER_KINDS

H = Handover.Status

#: sent after a handover starts or changes status (``workflows.handovers`` follows it)
handover_changed = Signal()


def _check_firm(firm: Organization, field: str) -> None:
    if firm.kind not in PROVIDER_KINDS:
        raise InvalidInput(
            _("Choose a property firm."), fields={field: [_("Choose a property firm.")]}
        )


def current_contract(compound: Compound) -> ServiceContract | None:
    """The compound's contract in force with its present provider, if one is registered."""
    if compound.property_provider_id is None:
        return None
    return (
        ServiceContract.objects.filter(
            compound=compound, firm_id=compound.property_provider_id, ended_at__isnull=True
        )
        .order_by("-starts_on", "-id")
        .first()
    )


@transaction.atomic
def register_contract(
    *,
    actor: Any,
    compound: Compound,
    firm: Organization,
    starts_on: date,
    ends_on: date,
    fee_standards: str,
    service_level: str,
    renewal_notice_days: int | None = None,
    dismissal_notice_days: int | None = None,
) -> ServiceContract:
    _check_firm(firm, "firm")
    if ends_on <= starts_on:
        message = _("The term must end after it starts.")
        raise InvalidInput(message, fields={"ends_on": [message]})
    return ServiceContract.objects.create(
        compound=compound,
        firm=firm,
        starts_on=starts_on,
        ends_on=ends_on,
        fee_standards=fee_standards,
        service_level=service_level,
        renewal_notice_days=renewal_notice_days or 90,
        dismissal_notice_days=dismissal_notice_days or DISMISSAL_NOTICE_DAYS,
        registered_by=actor,
    )


@transaction.atomic
def give_non_renewal_notice(*, actor: Any, contract: ServiceContract) -> ServiceContract:
    """The firm tells the owners in writing that it will not renew (Civil Code art. 947)."""
    locked = ServiceContract.objects.select_for_update().get(pk=contract.pk)
    if locked.non_renewal_notice_at is not None or locked.ended_at is not None:
        raise Conflict(_("The notice of non-renewal has already been given."))
    locked.non_renewal_notice_at = timezone.now()
    locked.save(update_fields=["non_renewal_notice_at"])
    return locked


@transaction.atomic
def start_handover(
    *,
    actor: Any,
    compound: Compound,
    new_firm: Organization,
    reason: str,
    takeover_on: date | None = None,
    matter: Matter | None = None,
    contract: ServiceContract | None = None,
) -> Handover | None:
    """Begin the change of firm; the present firm stays until the takeover (art. 950).

    Dismissal needs the contract's notice period, by default 60 days (art. 946): a takeover
    date before that is refused. Nothing starts when the chosen firm already serves.
    """
    _check_firm(new_firm, "new_firm")
    locked = Compound.objects.select_for_update().get(pk=compound.pk)
    if locked.property_provider_id == new_firm.pk:
        return None
    if Handover.objects.filter(compound=locked).exclude(status=H.TAKEN_OVER).exists():
        raise Conflict(_("A change of firm is already under way for this compound."))
    if contract is None:
        contract = current_contract(locked)
    notice_days = contract.dismissal_notice_days if contract else DISMISSAL_NOTICE_DAYS
    earliest = timezone.localdate() + timedelta(days=notice_days)
    if locked.property_provider_id is None:
        earliest = timezone.localdate()
    if takeover_on is None:
        takeover_on = earliest
    elif takeover_on < earliest:
        message = _("The firm must have %(days)s days' notice: take over on %(date)s or later.") % {
            "days": notice_days,
            "date": earliest.isoformat(),
        }
        raise InvalidInput(message, fields={"takeover_on": [message]})
    handover = Handover.objects.create(
        compound=locked,
        old_firm_id=locked.property_provider_id,
        new_firm=new_firm,
        contract=contract,
        matter=matter,
        reason=reason,
        takeover_on=takeover_on,
        started_by=actor,
    )
    handover_changed.send(sender=Handover, handover=handover)
    return handover


def _lock(handover: Handover, *statuses: str) -> Handover:
    locked = Handover.objects.select_for_update().select_related("compound").get(pk=handover.pk)
    if locked.status not in statuses:
        raise Conflict(_("This change of firm has moved on; reload the page."))
    return locked


@transaction.atomic
def send_notice(*, actor: Any, handover: Handover) -> Handover:
    """The written notice to the old firm has gone out; the handover begins."""
    locked = _lock(handover, H.NOTICE)
    locked.status = H.HANDING_OVER
    locked.notice_sent_at = timezone.now()
    locked.save(update_fields=["status", "notice_sent_at"])
    handover_changed.send(sender=Handover, handover=locked)
    return locked


@transaction.atomic
def tick(*, actor: Any, handover: Handover, item: str) -> Handover:
    """One item of the art. 949 checklist was handed over."""
    if item not in Handover.CHECKLIST:
        message = _("Choose an item of the checklist.")
        raise InvalidInput(message, fields={"item": [message]})
    locked = _lock(handover, H.HANDING_OVER)
    if locked.ticked(item):
        raise Conflict(_("This item has already been handed over."))
    setattr(locked, f"{item}_at", timezone.now())
    locked.save(update_fields=[f"{item}_at"])
    return locked


@transaction.atomic
def take_over(*, actor: Any, handover: Handover) -> Handover:
    """The new firm takes over: from today it is the compound's provider, and new issues
    route to it. Before the day, or with the checklist open, the old firm carries on."""
    locked = _lock(handover, H.HANDING_OVER)
    if not locked.checklist_done:
        raise Conflict(_("The handover checklist is not complete yet."))
    if timezone.localdate() < locked.takeover_on:
        raise Conflict(
            _("The new firm takes over on %(date)s.") % {"date": locked.takeover_on.isoformat()}
        )
    now = timezone.now()
    Compound.objects.filter(pk=locked.compound_id).update(
        property_provider_id=locked.new_firm_id,
        management_mode=Compound.ManagementMode.MARKET_FIRM,
    )
    if locked.old_firm_id is not None:
        ServiceContract.objects.filter(
            compound_id=locked.compound_id, firm_id=locked.old_firm_id, ended_at__isnull=True
        ).update(ended_at=now)
    locked.status = H.TAKEN_OVER
    locked.taken_over_at = now
    locked.save(update_fields=["status", "taken_over_at"])
    handover_changed.send(sender=Handover, handover=locked)
    return locked


def ready_to_take_over(handover: Handover) -> bool:
    """State only, no queries: the checklist is done and the day has come."""
    return (
        handover.status == H.HANDING_OVER
        and handover.checklist_done
        and timezone.localdate() >= handover.takeover_on
    )


@periodic("handover_takeovers")
def take_over_due() -> int:
    """On the takeover day the provider changes without anyone pressing a button, once the
    checklist is complete; the pages and task lists of the parties refresh."""
    done = 0
    due = Handover.objects.filter(
        status=H.HANDING_OVER,
        takeover_on__lte=timezone.localdate(),
        rooms_at__isnull=False,
        facilities_at__isnull=False,
        records_at__isnull=False,
        funds_at__isnull=False,
    ).values_list("pk", flat=True)
    for pk in list(due):
        with transaction.atomic():
            try:
                handover = take_over(actor=None, handover=Handover(pk=pk))
            except Conflict:
                continue  # someone pressed the button meanwhile
            organizations = [o for o in (handover.old_firm_id, handover.new_firm_id) if o]
            refresh_controls(
                kind="handover",
                pk=handover.pk,
                topics=[topic("compound", handover.compound_id, "public")],
            )
            refresh_tasks(organizations=organizations)
            done += 1
    return done
