"""The evaluation cycle's lifecycle through its services (docs/law.md §9): opening with the
result rows, one anonymous survey answer per household, who scores what, closing the
scoring, publication, appeal, decision with the correction republished, and closing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from viewflow.workflow.models import Task

from deliberation.errors import Conflict, InvalidInput
from deliberation.models import (
    Appeal,
    Compound,
    EvaluationCycle,
    EvaluationResult,
    PartyScore,
    SurveyResponse,
)
from deliberation.services.evaluations import appeals, cycles, surveys
from tests.support import evaluation_cycles as ev

S = EvaluationCycle.Status


@pytest.fixture(autouse=True)
def _in_english() -> Iterator[None]:
    """The messages checked below are the English source strings."""
    with translation.override("en"):
        yield


def test_opening_creates_a_result_per_provider_overall_and_per_compound(demo) -> None:
    cycle = ev.open_cycle()
    served = Compound.objects.filter(property_provider__isnull=False)
    per_compound = EvaluationResult.objects.filter(cycle=cycle, compound__isnull=False)
    assert per_compound.count() == served.count()
    for compound in served:
        row = per_compound.get(compound=compound)
        assert (row.organization_id, row.households) == (
            compound.property_provider_id,
            compound.households,
        )
    overall = EvaluationResult.objects.filter(cycle=cycle, compound__isnull=True)
    assert set(overall.values_list("organization_id", flat=True)) == set(
        served.values_list("property_provider_id", flat=True)
    )
    assert cycle.method == ev.DEFAULT_METHOD  # the method in force, copied


def test_only_the_subdistrict_office_opens_and_a_half_year_opens_once(demo) -> None:
    cycle = ev.open_cycle()
    with pytest.raises(PermissionDenied):
        cycles.open_cycle(
            by=ev.user("juwei"),
            subdistrict=cycle.subdistrict,
            year=cycle.year + 100,
            half=1,
            method=cycle.method,
            survey_closes_at=cycle.survey_closes_at,
            scoring_closes_at=cycle.scoring_closes_at,
        )
    with pytest.raises(Conflict, match=str(cycle.year)):
        cycles.open_cycle(
            by=ev.user("jiedao"),
            subdistrict=cycle.subdistrict,
            year=cycle.year,
            half=1,
            method=cycle.method,
            survey_closes_at=cycle.survey_closes_at,
            scoring_closes_at=cycle.scoring_closes_at,
        )


def test_opening_refuses_a_survey_closing_in_the_past_and_scores_due_before_it(demo) -> None:
    now = timezone.now()
    arguments = {
        "by": ev.user("jiedao"),
        "subdistrict": ev.tuanjie().community.subdistrict,
        "year": 2099,
        "half": 2,
        "method": ev.DEFAULT_METHOD,
    }
    with pytest.raises(InvalidInput) as past:
        cycles.open_cycle(
            **arguments, survey_closes_at=now - timedelta(hours=1), scoring_closes_at=now
        )
    assert "survey_closes_at" in past.value.fields
    with pytest.raises(InvalidInput) as early:
        cycles.open_cycle(
            **arguments,
            survey_closes_at=now + timedelta(days=7),
            scoring_closes_at=now + timedelta(days=6),
        )
    assert "scoring_closes_at" in early.value.fields
    assert not EvaluationCycle.objects.filter(year=2099).exists()


def test_one_anonymous_answer_per_household(demo) -> None:
    cycle = ev.open_cycle()
    unit, jumin = ev.home_of("jumin"), ev.user("jumin")
    response = surveys.submit_survey(
        cycle=cycle, unit=unit, by=jumin, answers=ev.survey_answers(cycle, 4), comment="保洁很好"
    )
    assert response.score == Decimal("75.00")  # 4 of 1…5 → 75 of 100
    assert response.organization_id == ev.tuanjie().property_provider_id
    assert response.household_key == surveys.household_key(cycle, unit)
    stored = {f.name for f in SurveyResponse._meta.get_fields()}
    assert not stored & {"user", "unit", "entered_by", "submitted_by"}  # nothing points back
    with pytest.raises(Conflict, match="already answered"):
        surveys.submit_survey(cycle=cycle, unit=unit, by=jumin, answers=ev.survey_answers(cycle))
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1


def test_the_survey_refuses_strangers_bad_answers_and_late_answers(demo) -> None:
    cycle = ev.open_cycle()
    unit = ev.home_of("jumin")
    with pytest.raises(PermissionDenied):  # jumin2 lives elsewhere
        surveys.submit_survey(
            cycle=cycle, unit=unit, by=ev.user("jumin2"), answers=ev.survey_answers(cycle)
        )
    bad = {**ev.survey_answers(cycle), next(iter(ev.survey_answers(cycle))): 9}
    with pytest.raises(InvalidInput, match="1 to 5"):
        surveys.submit_survey(cycle=cycle, unit=unit, by=ev.user("jumin"), answers=bad)
    with pytest.raises(InvalidInput):
        surveys.submit_survey(cycle=cycle, unit=unit, by=ev.user("jumin"), answers={"x": 3})
    EvaluationCycle.objects.filter(pk=cycle.pk).update(
        survey_closes_at=timezone.now() - timedelta(minutes=1)
    )
    cycle.refresh_from_db()
    with pytest.raises(Conflict, match="survey closed"):
        surveys.submit_survey(
            cycle=cycle, unit=unit, by=ev.user("jumin"), answers=ev.survey_answers(cycle)
        )
    assert not SurveyResponse.objects.filter(cycle=cycle).exists()


def test_who_scores_what(demo) -> None:
    cycle = ev.open_cycle()
    firm, tuanjie = ev.org(ev.JINGCHAO), ev.tuanjie()
    answers = ev.party_answers(cycle, 0.6)

    def score(username: str, scorer: str, organization=firm, compound=tuanjie):
        return surveys.submit_party_score(
            cycle=cycle,
            by=ev.user(username),
            scorer=ev.org(scorer),
            organization=organization,
            compound=compound,
            answers=answers,
        )

    assert score("shuji", "团结湖中路社区党委").score == Decimal("60.00")
    with pytest.raises(PermissionDenied):  # 北里's committee: not its community
        score("shuji2", "团结湖北里社区党委")
    with pytest.raises(PermissionDenied):  # not a member of the scorer
        score("juwei", "团结湖中路社区党委")
    with pytest.raises(PermissionDenied):  # the firm scores only itself, overall
        score("wuye", ev.JINGCHAO, compound=tuanjie)
    assert score("wuye", ev.JINGCHAO, compound=None).scorer_role == PartyScore.Scorer.SELF
    assert score("jiedao", "团结湖街道办事处城市管理科", compound=None).scorer_role == "department"
    corrected = surveys.submit_party_score(
        cycle=cycle,
        by=ev.user("shuji"),
        scorer=ev.org("团结湖中路社区党委"),
        organization=firm,
        compound=tuanjie,
        answers=ev.party_answers(cycle, 1.0),
    )
    assert corrected.score == Decimal("100.00")
    assert PartyScore.objects.filter(cycle=cycle).count() == 3


def test_closing_publishing_appealing_and_deciding(demo) -> None:
    cycle = ev.in_review()
    assert cycle.status == S.REVIEW and cycle.reviewed_at is not None
    result = ev.result_of(cycle, ev.JINGCHAO)
    assert result.score is not None  # compute_results ran
    with pytest.raises(Conflict):
        cycles.close_scoring(cycle=cycle, by=ev.user("jiedao"))
    with pytest.raises(PermissionDenied):
        cycles.publish_cycle(cycle=cycle, by=ev.user("dudao"))
    cycle = cycles.publish_cycle(cycle=cycle, by=ev.user("jiedao"))
    assert (cycle.status, cycle.publication) == (S.PUBLISHED, 1)
    assert cycle.appeals_close_at - cycle.published_at >= timedelta(days=12)  # 10 working days

    with pytest.raises(PermissionDenied):  # another organization's result
        appeals.file_appeal(result=result, by=ev.user("fangguan"), reasons="不服")
    with pytest.raises(InvalidInput):
        appeals.file_appeal(result=result, by=ev.user("wuye"), reasons="   ")
    appeal = appeals.file_appeal(result=result, by=ev.user("wuye"), reasons="夜间维修记录未计入。")
    with pytest.raises(Conflict, match="already waiting"):
        appeals.file_appeal(result=result, by=ev.user("wuye"), reasons="再次申诉")

    with pytest.raises(PermissionDenied):
        appeals.decide_appeal(appeal=appeal, by=ev.user("wuye"), upheld=True, decision="x")
    with pytest.raises(InvalidInput):
        appeals.decide_appeal(appeal=appeal, by=ev.user("jiedao"), upheld=True, decision="核实")
    before = result.score
    appeal = appeals.decide_appeal(
        appeal=appeal,
        by=ev.user("jiedao"),
        upheld=True,
        decision="核实夜间维修记录后更正。",
        corrected_score="91.5",
    )
    result.refresh_from_db()
    cycle.refresh_from_db()
    assert appeal.status == Appeal.Status.UPHELD
    assert appeal.before["score"] == str(before)
    assert result.score == Decimal("91.50")
    assert cycle.publication == 2
    with pytest.raises(Conflict, match="already been decided"):
        appeals.decide_appeal(appeal=appeal, by=ev.user("jiedao"), upheld=False, decision="x")


def test_a_rejected_appeal_changes_nothing_in_the_list(demo) -> None:
    appeal = ev.appealed()
    result = appeal.result
    before = (result.score, result.grade, result.listing)
    appeals.decide_appeal(
        appeal=appeal, by=ev.user("jiedao"), upheld=False, decision="记录已计入，维持原结果。"
    )
    result.refresh_from_db()
    assert (result.score, result.grade, result.listing) == before
    assert EvaluationCycle.objects.get(pk=result.cycle_id).publication == 1


def test_appeals_close_with_their_period(demo) -> None:
    cycle = ev.published()
    EvaluationCycle.objects.filter(pk=cycle.pk).update(
        appeals_close_at=timezone.now() - timedelta(minutes=1)
    )
    with pytest.raises(Conflict, match="appeal period"):
        appeals.file_appeal(
            result=ev.result_of(cycle, ev.JINGCHAO), by=ev.user("wuye"), reasons="迟到的申诉"
        )


def test_a_cycle_closes_once_the_period_passed_and_no_appeal_is_pending(demo) -> None:
    appeal = ev.appealed()
    cycle = appeal.result.cycle
    later = cycle.appeals_close_at + timedelta(minutes=1)
    assert cycles.close_finished_cycles(now=later) == 0  # an appeal is pending
    appeals.decide_appeal(appeal=appeal, by=ev.user("jiedao"), upheld=False, decision="维持")
    assert cycles.close_finished_cycles(now=cycle.appeals_close_at - timedelta(minutes=1)) == 0
    assert cycles.close_finished_cycles(now=later) == 1
    assert cycles.close_finished_cycles(now=later) == 0  # idempotent
    cycle.refresh_from_db()
    assert cycle.status == S.CLOSED


def test_the_flow_follows_the_cycle(demo) -> None:
    def open_steps(cycle: EvaluationCycle) -> set[str]:
        tasks = Task.objects.filter(
            process__artifact_object_id=cycle.pk, process__flow_class__contains="Evaluation"
        ).exclude(status__in=["DONE", "CANCELED"])
        return {t.flow_task.name for t in tasks}

    cycle = ev.open_cycle()
    assert open_steps(cycle) == {"scoring"}
    ev.score_all(cycle)
    cycle = cycles.close_scoring(cycle=cycle, by=ev.user("jiedao"))
    assert open_steps(cycle) == {"review"}
    cycle = cycles.publish_cycle(cycle=cycle, by=ev.user("jiedao"))
    assert open_steps(cycle) == {"appeals"}
    cycles.close_finished_cycles(now=cycle.appeals_close_at + timedelta(minutes=1))
    assert open_steps(cycle) == set()
