"""Two earlier, published evaluation cycles (2025 H2 and 2026 H1), so that an organization's
history and the property-service alliance have something to show (docs/law.md §9).

Illustrative (示例): the residents' answers, the parties' scores and the evidence are
invented; the measured part comes from whatever service data the demo holds for those
half-years. The results are computed by ``compute_results`` like any cycle's. Idempotent:
a cycle that exists is left as it is.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from deliberation.evaluation_method import cycle_period, default_method, party_score, survey_score
from deliberation.models import (
    Compound,
    EvaluationCycle,
    EvidenceEntry,
    Organization,
    PartyScore,
    Subdistrict,
    SurveyResponse,
    User,
)
from deliberation.services.evaluations.scoring import add_result_rows, compute_results

CYCLES = [(2025, 2), (2026, 1)]
#: survey answers (1–5) of the households of each compound, per cycle
ANSWERS = {
    "团结公寓": [[4, 3, 4, 3, 4, 2, 3], [3, 3, 2, 3, 4, 2, 2, 3]],
    "轻工宿舍": [[4, 4, 5, 4, 4, 5], [4, 5, 5, 4, 4, 4, 5]],
    "水碓子东里": [[3, 4, 3, 4, 3, 3], [4, 4, 3, 4, 4, 3]],
    "团结湖北里直管公房": [[4, 3, 4, 4, 3, 4], [4, 4, 4, 3, 4, 4]],
}
#: points out of 100 given by the community Party committee, the residents' committee, the
#: subdistrict department and the provider itself, per provider and cycle
SCORES = {
    "京朝物业服务有限公司（示例）": [(78, 74, 80, 92), (70, 66, 72, 90)],
    "轻工业部机关服务中心（示例产权单位）": [(88, 90, 86, 95), (92, 93, 90, 96)],
    "朝阳区房管局第十二管理所": [(80, 78, 82, 88), (84, 82, 85, 90)],
}
#: (provider, cycle index, kind, title, source, points, compound or None)
EVIDENCE = [
    (
        "轻工业部机关服务中心（示例产权单位）",
        0,
        EvidenceEntry.Kind.HONOUR,
        "区级物业服务示范项目（示例）",
        "朝阳区住房和城乡建设委员会（示例）",
        3,
        None,
    ),
    (
        "京朝物业服务有限公司（示例）",
        1,
        EvidenceEntry.Kind.INSPECTION,
        "消防通道堵塞，限期整改（示例）",
        "团结湖街道城市管理科（示例）",
        -2,
        "团结公寓",
    ),
    (
        "朝阳区房管局第十二管理所",
        1,
        EvidenceEntry.Kind.COMMITMENT,
        "承诺雨季前完成9号楼屋面防水（示例）",
        "团结湖北里社区居委会（示例）",
        0,
        "团结湖北里直管公房",
    ),
]


def _points(total: int, criteria: list[dict]) -> dict[str, int]:
    """Criterion points adding up to ``total`` of 100, spread by each criterion's maximum."""
    given = {c["key"]: int(c["max"]) * total // 100 for c in criteria}
    given[criteria[0]["key"]] += total - sum(given.values())
    return given


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(17, 0)))


@transaction.atomic
def seed_evaluations() -> int:
    """Create the missing published cycles; returns how many were created."""
    subdistrict = Subdistrict.objects.order_by("pk").first()
    jiedao = User.objects.get(username="jiedao")
    office = Organization.objects.get(name="团结湖街道办事处城市管理科")
    compounds = {
        c.name: c
        for c in Compound.objects.select_related(
            "community__party_committee", "community__residents_committee", "property_provider"
        ).filter(property_provider__isnull=False)
    }
    created = 0
    for index, (year, half) in enumerate(CYCLES):
        if (
            subdistrict is None
            or EvaluationCycle.objects.filter(
                subdistrict=subdistrict, year=year, half=half
            ).exists()
        ):
            continue
        start, end = cycle_period(year, half)
        method = default_method()
        cycle = EvaluationCycle.objects.create(
            subdistrict=subdistrict,
            year=year,
            half=half,
            method=method,
            survey_closes_at=_at(end),
            scoring_closes_at=_at(end),
            opened_by=jiedao,
        )
        add_result_rows(cycle)
        for name, per_cycle in ANSWERS.items():
            compound = compounds.get(name)
            if compound is None or compound.property_provider is None:
                continue
            for n, value in enumerate(per_cycle[index]):
                answers = {c["key"]: value for c in method["survey_criteria"]}
                SurveyResponse.objects.create(
                    cycle=cycle,
                    compound=compound,
                    organization=compound.property_provider,
                    household_key=f"demo-{year}-{half}-{compound.pk}-{n}",
                    answers=answers,
                    score=survey_score(method, answers),
                )
        _seed_scores(cycle, index, compounds, office, jiedao)
        for provider, at_index, kind, title, source, points, where in EVIDENCE:
            if at_index != index:
                continue
            EvidenceEntry.objects.get_or_create(
                organization=Organization.objects.get(name=provider),
                title=title,
                defaults={
                    "compound": compounds.get(where) if where else None,
                    "kind": kind,
                    "source": source,
                    "occurred_on": date(start.year, start.month + 2, 15),
                    "points": Decimal(points),
                    "entered_by": jiedao,
                },
            )
        compute_results(cycle=cycle)
        EvaluationCycle.objects.filter(pk=cycle.pk).update(
            status=EvaluationCycle.Status.CLOSED,
            reviewed_at=_at(end),
            published_at=_at(end),
            published_by=jiedao,
            publication=1,
            appeals_close_at=_at(end),
        )
        created += 1
    return created


def _seed_scores(
    cycle: EvaluationCycle,
    index: int,
    compounds: dict[str, Compound],
    office: Organization,
    jiedao: User,
) -> None:
    criteria = cycle.method["party_criteria"]
    S = PartyScore.Scorer
    for compound in compounds.values():
        provider = compound.property_provider
        if provider is None or provider.name not in SCORES:
            continue
        party, residents, department, own = SCORES[provider.name][index]
        community = compound.community
        rows = [
            (S.PARTY_COMMITTEE, community.party_committee, party, compound),
            (S.RESIDENTS_COMMITTEE, community.residents_committee, residents, compound),
            (S.DEPARTMENT, office, department, None),
            (S.SELF, provider, own, None),
        ]
        for role, scorer, total, about in rows:
            if scorer is None:
                continue
            answers = _points(total, criteria)
            PartyScore.objects.get_or_create(
                cycle=cycle,
                organization=provider,
                compound=about,
                scorer=scorer,
                defaults={
                    "scorer_role": role,
                    "answers": answers,
                    "score": party_score(cycle.method, answers),
                    "entered_by": jiedao,
                },
            )
