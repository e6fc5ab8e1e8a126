"""The public-revenue ledger's steps (docs/law.md §11): entering income or spending and
publishing the quarter (on a compound's ledger), approving, rejecting and linking an
entry to the owners' decision it waits for. Approving an entry and publishing a due
quarter are tasks of the owners' body (the residents' committee where there is none)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.law.ledger import DECIDE_WITHIN_DAYS
from deliberation.ledger_forms import EntryForm, LinkDecisionForm, RejectForm, RulesForm
from deliberation.live.topics import topic
from deliberation.models import Compound, LedgerEntry, Organization
from deliberation.policy.ledger import recording_for
from deliberation.policy.principal import Kind, Principal, load_principal
from deliberation.selectors import ledger as read
from deliberation.services import ledger as services

from .compounds import compound_organizations
from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

E = LedgerEntry


def _compounds() -> Any:
    return read.with_publication_state(
        Compound.objects.select_related("community", "owners_committee", "property_provider")
    )


def _audience(compound: Compound) -> Audience:
    orgs = compound_organizations(compound)
    return Audience(topics=(topic("compound", compound.pk, "public"),), organizations=tuple(orgs))


def _approving(principal: Principal) -> Q:
    """Compounds whose ledger ``principal`` approves (``policy.ledger.approves_for``)."""
    orgs = list(principal.org_kinds)
    residents = list(principal.orgs_of_kind(Kind.RESIDENTS_COMMITTEE))
    return Q(owners_committee_id__in=orgs) | Q(
        owners_committee__isnull=True, community__residents_committee_id__in=residents
    )


def _ledger_tasks(principal: Principal) -> Iterable[Compound]:
    if not principal.org_kinds:
        return []
    return _compounds().filter(_approving(principal))


def _entry_tasks(principal: Principal) -> Iterable[LedgerEntry]:
    if not principal.org_kinds:
        return []
    compounds = Compound.objects.filter(_approving(principal)).values("pk")
    return (
        E.objects.filter(
            compound__in=compounds, status__in=[E.Status.PENDING, E.Status.AWAITING_VOTE]
        )
        .exclude(recorded_by_id=principal.user_id)
        .select_related("compound__community", "matter__vote", "recorded_for")
    )


declare_kind(
    ObjectKind(
        name="ledger",
        model=Compound,
        label=pgettext_lazy("kind", "public revenue"),
        load=lambda pk: _compounds().filter(pk=pk).first(),
        page_url=lambda c: reverse("ledger-page", args=[c.pk]),
        audience=_audience,
        task_candidates=_ledger_tasks,
        title=lambda c: _("%(compound)s public revenue") % {"compound": c.name},
    )
)


def _load_entry(pk: int) -> LedgerEntry | None:
    return (
        E.objects.select_related(
            "compound__community", "compound__owners_committee", "matter__vote", "recorded_for"
        )
        .filter(pk=pk)
        .first()
    )


declare_kind(
    ObjectKind(
        name="ledger_entry",
        model=LedgerEntry,
        label=pgettext_lazy("kind", "public revenue entry"),
        load=_load_entry,
        page_url=lambda e: reverse("ledger-entry", args=[e.pk]),
        audience=lambda e: _audience(e.compound),
        task_candidates=_entry_tasks,
        title=lambda e: f"#{e.pk} · {e.description}",
    )
)


# --- on the compound's ledger ------------------------------------------------------------------


def recording_organizations(user: Any, compound: Compound) -> Any:
    """The user's organizations that keep this compound's ledger (the firm, the owners' body)."""
    orgs = recording_for(load_principal(user), compound)
    return Organization.objects.filter(pk__in=sorted(orgs)).order_by("name")


def _entry_form_kwargs(compound: Compound, user: Any) -> dict[str, Any]:
    return {"organizations": recording_organizations(user, compound), "compound": compound}


def _record(compound: Compound, actor: Any, data: dict[str, Any]) -> Outcome:
    spec = services.EntrySpec(
        direction=data["direction"],
        category=data["category"],
        amount=data["amount"],
        occurred_on=data["occurred_on"],
        description=data["description"],
        counterparty=data["counterparty"],
        corrects=data["corrects"],
    )
    entry, created = services.record_entry(
        actor=actor,
        compound=compound,
        organization=data["organization"],
        spec=spec,
        receipts=data["receipts"],
        key=data["key"],
    )
    values = {"id": entry.pk, "amount": f"{entry.amount:,.2f}", "what": entry.description}
    if not created:
        message = _("Entry #%(id)s (%(what)s, %(amount)s yuan) was already recorded.") % values
    elif entry.status == E.Status.AWAITING_VOTE:
        message = (
            _(
                "Entry #%(id)s (%(what)s, %(amount)s yuan) recorded; a spending this large "
                "needs an owners' vote before it is approved."
            )
            % values
        )
    else:
        message = (
            _("Entry #%(id)s (%(what)s, %(amount)s yuan) recorded, awaiting approval.") % values
        )
    return Outcome(message, redirect=reverse("ledger-entry", args=[entry.pk]))


def _due_quarter(compound: Compound) -> Any:
    return read.due_quarter(compound, timezone.localdate())


def _publish_due(compound: Compound) -> datetime | None:
    quarter = _due_quarter(compound)
    if quarter is None:
        return None
    return timezone.make_aware(datetime.combine(quarter.publish_by, time(23, 59)))


def _publish(compound: Compound, actor: Any, data: dict[str, Any]) -> Outcome:
    publication = services.publish_quarter(actor=actor, compound=compound)
    return Outcome(
        _(
            "%(year)sQ%(q)s of %(compound)s published: income %(income)s, spending "
            "%(spending)s, balance %(closing)s yuan."
        )
        % {
            "year": publication.year,
            "q": publication.quarter,
            "compound": compound.name,
            "income": f"{publication.income:,.2f}",
            "spending": f"{publication.spending:,.2f}",
            "closing": f"{publication.closing_balance:,.2f}",
        },
        reload=True,
    )


declare(
    Action(
        kind="ledger",
        name="record",
        rule="ledger.record",
        label=pgettext_lazy("ledger action", "Enter income or spending"),
        run=_record,
        form=EntryForm,
        form_kwargs=_entry_form_kwargs,
        help=gettext_lazy(
            "Receipts as photos or scans. Spending above the compound's threshold waits for "
            "an owners' vote."
        ),
        order=1,
    )
)
declare(
    Action(
        kind="ledger",
        name="publish",
        rule="ledger.publish",
        label=pgettext_lazy("ledger action", "Publish the quarter"),
        run=_publish,
        when=lambda c: _due_quarter(c) is not None,
        weight=Weight.PRIMARY,
        task=True,
        due=_publish_due,
        task_label=pgettext_lazy("ledger action", "Publish the public revenue quarter"),
        confirm=gettext_lazy("A published quarter cannot be changed. Publish it?"),
    )
)


def _adopt(compound: Compound, actor: Any, data: dict[str, Any]) -> Outcome:
    rules = services.adopt_rules(
        actor=actor,
        compound=compound,
        threshold=data["vote_threshold"],
        matter=data["adopted_by"],
    )
    return Outcome(
        _("From now on, spending above %(t)s yuan in %(compound)s needs an owners' vote.")
        % {"t": f"{rules.vote_threshold:,.2f}", "compound": compound.name}
    )


declare(
    Action(
        kind="ledger",
        name="rules",
        rule="ledger.publish",
        label=pgettext_lazy("ledger action", "Record the adopted revenue rules"),
        run=_adopt,
        form=RulesForm,
        form_kwargs=lambda c, user: {"compound": c},
        help=gettext_lazy(
            "The threshold the owners adopted for spending public revenue, with the "
            "decision that adopted it."
        ),
        order=9,
    )
)


# --- on one entry --------------------------------------------------------------------------------

UNDECIDED = (E.Status.PENDING, E.Status.AWAITING_VOTE)


def _approvable(entry: LedgerEntry) -> bool:
    if entry.status == E.Status.PENDING:
        return True
    return entry.status == E.Status.AWAITING_VOTE and services.vote_carried(entry)


def _entry_values(entry: LedgerEntry) -> dict[str, Any]:
    return {"id": entry.pk, "what": entry.description, "amount": f"{entry.amount:,.2f}"}


def _approve(entry: LedgerEntry, actor: Any, data: dict[str, Any]) -> Outcome:
    entry = services.approve_entry(actor=actor, entry=entry)
    return Outcome(
        _("Entry #%(id)s (%(what)s, %(amount)s yuan) approved: it now counts in the ledger.")
        % _entry_values(entry)
    )


def _reject(entry: LedgerEntry, actor: Any, data: dict[str, Any]) -> Outcome:
    entry = services.reject_entry(actor=actor, entry=entry, reason=data["reason"])
    return Outcome(_("Entry #%(id)s (%(what)s, %(amount)s yuan) rejected.") % _entry_values(entry))


def _link(entry: LedgerEntry, actor: Any, data: dict[str, Any]) -> Outcome:
    entry = services.link_decision(actor=actor, entry=entry, matter=data["matter"])
    assert entry.matter is not None
    return Outcome(
        _("Entry #%(id)s now waits for the owners' decision “%(matter)s”.")
        % {"id": entry.pk, "matter": entry.matter.title}
    )


def _decide_by(entry: LedgerEntry) -> datetime:
    return entry.recorded_at + timedelta(days=DECIDE_WITHIN_DAYS)


declare(
    Action(
        kind="ledger_entry",
        name="approve",
        rule="ledger.decide",
        label=pgettext_lazy("ledger action", "Approve"),
        run=_approve,
        when=_approvable,
        weight=Weight.PRIMARY,
        task=True,
        due=_decide_by,
        task_label=pgettext_lazy("ledger action", "Approve the public revenue entry"),
    )
)
declare(
    Action(
        kind="ledger_entry",
        name="reject",
        rule="ledger.decide",
        label=pgettext_lazy("ledger action", "Reject"),
        run=_reject,
        when=lambda e: e.status in UNDECIDED,
        form=RejectForm,
        weight=Weight.DANGER,
    )
)
declare(
    Action(
        kind="ledger_entry",
        name="link_vote",
        rule="ledger.record",
        label=pgettext_lazy("ledger action", "Link the owners' decision"),
        run=_link,
        when=lambda e: e.status == E.Status.AWAITING_VOTE,
        form=LinkDecisionForm,
        form_kwargs=lambda e, user: {"compound": e.compound},
        policy_object=lambda e: e.compound,
        help=gettext_lazy("The matter of an owners' vote in this compound that decides it."),
    )
)
