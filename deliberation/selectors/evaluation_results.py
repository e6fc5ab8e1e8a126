"""Reading evaluation results: a cycle's table, an organization's history across cycles, the
property-service alliance with its members' latest grades (docs/law.md §9).

Public readers only ever get published cycles (published, or closed after publication).
Each function takes a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery

from deliberation.models import (
    Appeal,
    EvaluationCycle,
    EvaluationResult,
    EvidenceEntry,
    Organization,
)
from deliberation.policy.principal import PROVIDER_KINDS

PUBLISHED = (EvaluationCycle.Status.PUBLISHED, EvaluationCycle.Status.CLOSED)


@dataclass
class ResultRow:
    """An organization's overall result with its per-compound results and, when an appeal
    was upheld, the latest correction (its ``before`` snapshot and the decision)."""

    result: EvaluationResult
    compounds: list[EvaluationResult] = field(default_factory=list)
    correction: Appeal | None = None

    @property
    def organization(self) -> Organization:
        return self.result.organization


def results_table(cycle: EvaluationCycle) -> list[ResultRow]:
    """The cycle's results, overall rows by rank (unscored last), each with its compounds
    (two queries)."""
    upheld = Appeal.objects.filter(status=Appeal.Status.UPHELD).order_by("-decided_at", "-id")
    results = list(
        cycle.results.select_related("organization", "compound")
        .prefetch_related(Prefetch("appeals", queryset=upheld, to_attr="upheld"))
        .order_by("rank", "organization__name", "compound__name")
    )
    rows: dict[int, ResultRow] = {}
    for result in results:
        if result.compound_id is None:
            rows[result.organization_id] = ResultRow(result)
    for result in results:
        row = rows.get(result.organization_id)
        if row is None:
            continue
        if result.compound_id is not None:
            row.compounds.append(result)
        upheld_here = getattr(result, "upheld", [])
        if upheld_here and (row.correction is None or result.compound_id is None):
            row.correction = upheld_here[0]
    ordered = sorted(
        rows.values(),
        key=lambda r: (r.result.rank is None, r.result.rank or 0, r.organization.name),
    )
    for row in ordered:
        row.compounds.sort(key=lambda r: r.compound.name if r.compound else "")
    return ordered


@dataclass
class HistoryEntry:
    cycle: EvaluationCycle
    result: EvaluationResult
    compounds: list[EvaluationResult] = field(default_factory=list)


def evaluated_organization(pk: int) -> Organization | None:
    return Organization.objects.filter(pk=pk, kind__in=PROVIDER_KINDS).first()


def organization_history(organization: Organization) -> list[HistoryEntry]:
    """The organization's published results, oldest cycle first (one query)."""
    results = (
        EvaluationResult.objects.filter(organization=organization, cycle__status__in=PUBLISHED)
        .select_related("cycle", "compound")
        .order_by("cycle__year", "cycle__half", "compound__name")
    )
    entries: dict[int, HistoryEntry] = {}
    compounds: dict[int, list[EvaluationResult]] = {}
    for result in results:
        if result.compound_id is None:
            entries[result.cycle_id] = HistoryEntry(result.cycle, result)
        else:
            compounds.setdefault(result.cycle_id, []).append(result)
    for cycle_id, entry in entries.items():
        entry.compounds = compounds.get(cycle_id, [])
    return list(entries.values())


@dataclass
class AllianceMember:
    organization: Organization
    latest: EvaluationResult | None


def alliance_members() -> list[AllianceMember]:
    """The property-service alliance's members with their latest published overall result
    (two queries)."""
    latest = EvaluationResult.objects.filter(
        organization=OuterRef("pk"), compound__isnull=True, cycle__status__in=PUBLISHED
    ).order_by("-cycle__year", "-cycle__half")
    members = list(
        Organization.objects.filter(in_service_alliance=True)
        .annotate(latest_result=Subquery(latest.values("pk")[:1]))
        .order_by("name")
    )
    ids = [m.latest_result for m in members if m.latest_result]  # type: ignore[attr-defined]
    results = {r.pk: r for r in EvaluationResult.objects.filter(pk__in=ids).select_related("cycle")}
    return [
        AllianceMember(m, results.get(m.latest_result))  # type: ignore[attr-defined]
        for m in members
    ]


def ledger_entries(organization: Organization) -> list[EvidenceEntry]:
    """The organization's ledger, newest first, withdrawn entries included (one query)."""
    return list(
        EvidenceEntry.objects.filter(organization=organization).select_related(
            "compound", "entered_by"
        )
    )


def latest_published(organization_ids: list[int]) -> dict[int, EvaluationResult]:
    """Each organization's overall result in its latest published cycle (one query): for
    showing a red- or black-listed firm as such wherever owners meet it."""
    results = (
        EvaluationResult.objects.filter(
            organization_id__in=organization_ids,
            compound__isnull=True,
            cycle__status__in=PUBLISHED,
        )
        .select_related("cycle")
        .order_by("organization_id", "-cycle__year", "-cycle__half")
        .distinct("organization_id")
    )
    return {r.organization_id: r for r in results}
