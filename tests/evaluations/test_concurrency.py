"""Concurrent writers on the evaluation end in one winner and a ``Conflict`` for the rest:
two phones of one household sending the survey at once, two officers publishing at once,
the firm's two staff appealing at once."""

from __future__ import annotations

import pytest

from deliberation.errors import Conflict
from deliberation.models import Appeal, EvaluationCycle, SurveyResponse
from deliberation.services.evaluations import appeals, cycles, surveys
from tests.concurrency import run_together
from tests.support import evaluation_cycles as ev

pytestmark = pytest.mark.django_db(transaction=True)


def _outcomes(results: list) -> tuple[int, int]:
    wins = sum(1 for r in results if not isinstance(r, Exception))
    conflicts = sum(1 for r in results if isinstance(r, Conflict))
    return wins, conflicts


def test_one_household_answers_once_from_two_phones(tdemo) -> None:
    cycle = ev.open_cycle()
    unit = ev.home_of("jumin")

    def send():
        return surveys.submit_survey(
            cycle=cycle, unit=unit, by=ev.user("jumin"), answers=ev.survey_answers(cycle)
        )

    assert _outcomes(run_together([send, send])) == (1, 1)
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1


def test_publishing_twice_at_once_publishes_once(tdemo) -> None:
    cycle = ev.in_review()

    def publish():
        return cycles.publish_cycle(cycle=cycle, by=ev.user("jiedao"))

    assert _outcomes(run_together([publish, publish])) == (1, 1)
    assert EvaluationCycle.objects.get(pk=cycle.pk).publication == 1


def test_two_appeals_at_once_leave_one_pending(tdemo) -> None:
    result = ev.result_of(ev.published(), ev.JINGCHAO)

    def appeal():
        return appeals.file_appeal(result=result, by=ev.user("wuye"), reasons="并发申诉")

    assert _outcomes(run_together([appeal, appeal])) == (1, 1)
    assert Appeal.objects.filter(result=result).count() == 1
