"""Residents' accounts as steps: the committee approves or refuses a link request (its
task), the person may withdraw it; on the compound, the committee creates an account for a
person and confirms a previewed residents import (drawn on the residents page only)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.account_forms import (
    ApproveLinkForm,
    CreateResidentForm,
    RefuseLinkForm,
    ResidentRowsForm,
)
from deliberation.issue_forms import ConfirmForm
from deliberation.live.topics import topic
from deliberation.models import Compound, LinkRequest, User, WorkOrder
from deliberation.policy.principal import Kind, Principal
from deliberation.services import accounts as services
from deliberation.services.resident_import import apply_residents
from workflows import work_orders as flow

from . import compounds, work_orders  # noqa: F401  (declare their kinds first)
from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

P = LinkRequest.Status


def _load(pk: int) -> LinkRequest | None:
    return (
        LinkRequest.objects.select_related(
            "user", "unit__building__compound__community", "decided_by"
        )
        .filter(pk=pk)
        .first()
    )


def _candidates(p: Principal) -> Iterable[LinkRequest]:
    """Pending requests in the compounds the person's residents' committee serves."""
    if not (p.is_superuser or p.orgs_of_kind(Kind.RESIDENTS_COMMITTEE)):
        return []
    served = [c for c in p.served_compounds if p.serves(c, Kind.RESIDENTS_COMMITTEE)]
    found = LinkRequest.objects.filter(status=P.PENDING).select_related(
        "user", "unit__building__compound__community"
    )
    if not p.is_superuser:
        found = found.filter(unit__building__compound_id__in=served)
    return found.order_by("created")[:100]


def _title(link: LinkRequest) -> str:
    unit = link.unit
    return _("%(name)s asks to be linked to %(compound)s %(building)s %(number)s") % {
        "name": link.user.display_name or link.user.username,
        "compound": unit.building.compound.name,
        "building": unit.building.name,
        "number": unit.number,
    }


def _audience(link: LinkRequest) -> Audience:
    committee = link.unit.building.compound.community.residents_committee_id
    return Audience(
        topics=(topic("user", link.user_id, "home"),),
        organizations=(committee,) if committee else (),
        users=(link.user_id,),
    )


declare_kind(
    ObjectKind(
        name="link_request",
        model=LinkRequest,
        label=pgettext_lazy("kind", "link request"),
        load=_load,
        page_url=lambda link: reverse("residents-page", args=[link.unit.building.compound_id]),
        audience=_audience,
        task_candidates=_candidates,
        title=_title,
    )
)


def _pending(link: LinkRequest) -> bool:
    return link.status == P.PENDING


def _unit_label(link: LinkRequest) -> str:
    unit = link.unit
    return f"{unit.building.compound.name} {unit.building.name} {unit.number}"


def _approve(link: LinkRequest, actor: User, data: dict[str, Any]) -> Outcome:
    services.approve_link(link=link, actor=actor, checked=bool(data.get("checked")))
    return Outcome(
        _("%(name)s is now linked to %(unit)s as %(relation)s.")
        % {
            "name": link.user.display_name or link.user.username,
            "unit": _unit_label(link),
            "relation": link.get_relation_display(),
        }
    )


def _refuse(link: LinkRequest, actor: User, data: dict[str, Any]) -> Outcome:
    services.refuse_link(link=link, actor=actor, reason=data["reason"])
    return Outcome(
        _("The request of %(name)s was refused; they can read your reason.")
        % {"name": link.user.display_name or link.user.username}
    )


def _withdraw(link: LinkRequest, actor: User, data: dict[str, Any]) -> Outcome:
    services.withdraw_link(link=link, actor=actor)
    return Outcome(_("Your request was withdrawn."), redirect=reverse("account-homes"))


declare(
    Action(
        kind="link_request",
        name="approve",
        rule="link_request.decide",
        label=pgettext_lazy("accounts action", "Approve the link"),
        run=_approve,
        when=_pending,
        form=ApproveLinkForm,
        weight=Weight.PRIMARY,
        task=True,
        task_label=pgettext_lazy("accounts action", "Decide a link request"),
    )
)
declare(
    Action(
        kind="link_request",
        name="refuse",
        rule="link_request.decide",
        label=pgettext_lazy("accounts action", "Refuse"),
        run=_refuse,
        when=_pending,
        form=RefuseLinkForm,
        weight=Weight.DANGER,
    )
)
declare(
    Action(
        kind="link_request",
        name="withdraw",
        rule="link_request.withdraw",
        label=pgettext_lazy("accounts action", "Withdraw the request"),
        run=_withdraw,
        when=_pending,
        weight=Weight.SECONDARY,
    )
)


def _create(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    unit = services.find_unit(compound, data["building"], data["number"])
    user, created = services.create_resident(
        actor=actor,
        compound=compound,
        name=data["name"],
        phone=data["phone"],
        unit=unit,
        relation=data["relation"],
    )
    message = (
        _("An account for %(name)s was created and linked to %(building)s %(number)s.")
        if created
        else _("%(name)s (who had an account) is now linked to %(building)s %(number)s.")
    )
    return Outcome(
        message
        % {"name": user.display_name, "building": unit.building.name, "number": unit.number},
        redirect=reverse("residents-page", args=[compound.pk]),
    )


def _import(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    n = apply_residents(actor=actor, compound=compound, rows=data["rows"])
    return Outcome(
        _("%(n)s residents imported into %(compound)s.") % {"n": n, "compound": compound.name},
        redirect=reverse("residents-page", args=[compound.pk]),
    )


declare(
    Action(
        kind="compound",
        name="create_resident",
        rule="residents.manage",
        label=pgettext_lazy("accounts action", "Create the account and link it"),
        run=_create,
        form=CreateResidentForm,
        form_kwargs=lambda compound, user: {"compound": compound},
        weight=Weight.SECONDARY,
        extra={"controls": False},  # drawn on the residents page
    )
)
declare(
    Action(
        kind="compound",
        name="import_residents",
        rule="residents.manage",
        label=pgettext_lazy("accounts action", "Import these residents"),
        run=_import,
        form=ResidentRowsForm,
        form_kwargs=lambda compound, user: {"compound": compound, "user": user},
        weight=Weight.PRIMARY,
        extra={"controls": False},  # only under a preview
    )
)


# --- assisted participation: staff enter a resident's answer (docs/law.md §13) -------------


def _rate_for_reporter(order: WorkOrder, actor: User, data: dict[str, Any]) -> Outcome:
    flow.perform(
        order,
        "confirm",
        actor=actor,
        fixed=data["fixed"] == "yes",
        rating=data["rating"],
        comment=data["comment"],
        for_reporter=True,
    )
    return Outcome(
        _("The reporter's rating of work order #%(id)s is recorded as entered by you.")
        % {"id": order.pk}
    )


def _reporter_is_a_resident(user: Any, order: WorkOrder) -> bool:
    return bool(order.issue_id and order.issue and order.issue.reporter_id)


declare(
    Action(
        kind="work_order",
        name="rate_for_reporter",
        rule="residents.assist",
        label=pgettext_lazy("accounts action", "Enter the reporter's rating for them"),
        help=gettext_lazy("The reporter answered in person or by phone; the timeline says so."),
        run=_rate_for_reporter,
        form=ConfirmForm,
        policy_object=lambda order: order.compound_id,
        also=_reporter_is_a_resident,
        when=lambda order: order.status == WorkOrder.Status.VERIFIED,
        weight=Weight.SECONDARY,
        order=10,
    )
)
