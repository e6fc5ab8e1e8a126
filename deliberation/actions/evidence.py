"""The evidence ledger of an evaluated organization (docs/law.md §9): entering an honour,
penalty, inspection finding or commitment, and withdrawing one. Neither is a task: the
ledger is kept as things happen, not on a due date."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.evidence_forms import EvidenceForm
from deliberation.live.topics import topic
from deliberation.models import EvidenceEntry, Organization
from deliberation.policy.principal import PROVIDER_KINDS
from deliberation.services.evaluations import evidence as services

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind


def _ledger_page(org_id: int) -> str:
    return reverse("evidence-ledger", args=[org_id])


def _ledger_audience(org_id: int) -> Audience:
    return Audience(topics=(topic("evidence_ledger", org_id, "staff"),))


declare_kind(
    ObjectKind(
        name="evidence_ledger",
        model=Organization,
        label=pgettext_lazy("kind", "evidence ledger"),
        load=lambda pk: Organization.objects.filter(pk=pk, kind__in=PROVIDER_KINDS).first(),
        page_url=lambda org: _ledger_page(org.pk),
        audience=lambda org: _ledger_audience(org.pk),
        title=lambda org: org.name,
    )
)
declare_kind(
    ObjectKind(
        name="evidence",
        model=EvidenceEntry,
        label=pgettext_lazy("kind", "evidence entry"),
        load=lambda pk: EvidenceEntry.objects.select_related("organization").filter(pk=pk).first(),
        page_url=lambda entry: _ledger_page(entry.organization_id),
        audience=lambda entry: _ledger_audience(entry.organization_id),
        title=lambda entry: entry.title,
    )
)


def _record(org: Organization, actor: Any, data: dict[str, Any]) -> Outcome:
    entry = services.record_evidence(
        by=actor,
        organization=org,
        kind=data["kind"],
        compound=data.get("compound"),
        title=data["title"],
        source=data["source"],
        occurred_on=data["occurred_on"],
        expires_on=data.get("expires_on"),
        points=data["points"],
        serious=bool(data.get("serious")),
        description=data.get("description", ""),
        attachment=data.get("attachment"),
    )
    return Outcome(
        _("“%(title)s” entered in the ledger of %(org)s (%(points)s points).")
        % {"title": entry.title, "org": org.name, "points": f"{entry.points:+}"},
        # the ledger table below the form changes too: the page is loaded again
        redirect=_ledger_page(org.pk),
        reload=True,
    )


def _withdraw(entry: EvidenceEntry, actor: Any, data: dict[str, Any]) -> Outcome:
    services.withdraw_evidence(by=actor, entry=entry)
    return Outcome(
        _("“%(title)s” withdrawn: it no longer counts in the evaluation.") % {"title": entry.title},
        redirect=_ledger_page(entry.organization_id),
        reload=True,
    )


declare(
    Action(
        kind="evidence_ledger",
        name="record",
        rule="evidence.record",
        label=pgettext_lazy("evidence action", "Enter evidence"),
        help=gettext_lazy(
            "An honour, penalty, inspection finding or commitment, with its source; it changes "
            "the evaluation score as the method says."
        ),
        run=_record,
        form=EvidenceForm,
        form_kwargs=lambda org, user: {"organization": org, "user": user},
        weight=Weight.PRIMARY,
    )
)
declare(
    Action(
        kind="evidence",
        name="withdraw",
        rule="evidence.withdraw",
        label=pgettext_lazy("evidence action", "Withdraw"),
        run=_withdraw,
        when=lambda entry: entry.withdrawn_at is None,
        weight=Weight.DANGER,
        confirm=gettext_lazy("Withdraw this entry? It stays in the ledger but no longer counts."),
    )
)
