"""The evaluation's pages as people meet them: the subdistrict opens a cycle with the
method shown and checked, a resident answers the survey on the phone page (reviewed before
it is sent), a committee scores, the subdistrict closes and publishes through the action
endpoint, the firm appeals, the decision is recorded, and the public list (no login) shows
the correction with its reason and no personal data."""

from __future__ import annotations

import csv
import io
import json
import re

from django.test import Client
from django.urls import reverse

from deliberation.evaluation_method import default_method
from deliberation.models import (
    Appeal,
    EvaluationCycle,
    PartyScore,
    Residency,
    SurveyResponse,
    User,
)
from deliberation.selectors.evaluations import scoring_targets
from deliberation.services.evaluations.surveys import submit_party_score
from tests.support import evaluation_cycles as ev
from tests.support.clients import login_client

S = EvaluationCycle.Status


def _open_form(method: dict) -> dict:
    return {
        "year": "2051",
        "half": "2",
        "survey_closes_at": "2099-01-10T18:00",
        "scoring_closes_at": "2099-01-20T18:00",
        "method": json.dumps(method, ensure_ascii=False),
    }


def test_the_subdistrict_opens_a_cycle_with_the_method_checked(demo) -> None:
    client = login_client(ev.user("jiedao"))
    page = client.get(reverse("evaluation-list"))
    assert page.status_code == 200 and "survey_criteria" in page.content.decode()
    wrong = default_method()
    wrong["parties"]["survey"]["points"] = 25
    refused = client.post(reverse("evaluation-list"), _open_form(wrong))
    assert refused.status_code == 400
    assert "100" in refused.content.decode()  # the weights must add up to 100
    assert not EvaluationCycle.objects.filter(year=2051).exists()
    opened = client.post(reverse("evaluation-list"), _open_form(default_method()))
    cycle = EvaluationCycle.objects.get(year=2051, half=2)
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "evaluation-detail", args=[cycle.pk]
    )
    again = client.post(reverse("evaluation-list"), _open_form(default_method()))
    assert again.status_code == 409


def test_only_the_subdistrict_office_may_open(demo) -> None:
    for username in ("juwei", "wuye", "dudao"):
        response = login_client(ev.user(username)).post(
            reverse("evaluation-list"), _open_form(default_method())
        )
        assert response.status_code == 403, username
    assert login_client(ev.user("jumin")).get(reverse("evaluation-list")).status_code == 403
    assert not EvaluationCycle.objects.filter(year=2051).exists()


def test_a_resident_answers_the_survey_on_the_phone_page(demo) -> None:
    cycle = ev.open_cycle()
    client = login_client(ev.user("jumin"))
    url = reverse("evaluation-survey", args=[cycle.pk])
    page = client.get(url).content.decode()
    keys = [c["key"] for c in cycle.method["survey_criteria"]]
    assert all(f'name="survey-c_{k}"' in page for k in keys)
    chosen = {f"survey-c_{k}": "4" for k in keys}
    chosen["survey-unit"] = str(ev.home_of("jumin").pk)
    review = client.get(url, {**chosen, "review": "1"}).content.decode()
    assert 'action="' + reverse("action", args=["evaluation", cycle.pk, "answer_survey"]) in review
    sent = client.post(reverse("action", args=["evaluation", cycle.pk, "answer_survey"]), chosen)
    assert sent.status_code == 302
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1
    assert 'name="survey-c_' not in client.get(url).content.decode()  # answered: no form
    again = client.post(reverse("action", args=["evaluation", cycle.pk, "answer_survey"]), chosen)
    assert again.status_code in (403, 409)
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 1


def test_a_committee_scores_from_its_scoring_page(demo) -> None:
    cycle = ev.open_cycle()
    client = login_client(ev.user("shuji"))
    page = client.get(reverse("evaluation-score", args=[cycle.pk])).content.decode()
    assert "团结公寓" in page and ev.JINGCHAO in page
    firm, tuanjie = ev.org(ev.JINGCHAO), ev.tuanjie()
    scorer = ev.org("团结湖中路社区党委")
    data = {"score-target": f"{scorer.pk}-{firm.pk}-{tuanjie.pk}"}
    data |= {f"score-c_{c['key']}": str(c["max"]) for c in cycle.method["party_criteria"]}
    response = client.post(reverse("action", args=["evaluation", cycle.pk, "score"]), data)
    assert response.status_code == 302
    score = PartyScore.objects.get(cycle=cycle, scorer=scorer)
    assert (score.organization, score.compound, str(score.score)) == (firm, tuanjie, "100.00")
    progress = client.get(reverse("evaluation-detail", args=[cycle.pk])).content.decode()
    assert "已收到" in progress  # the Party committee's score shows as received
    page = client.get(reverse("evaluation-score", args=[cycle.pk])).content.decode()
    assert f'action="{reverse("action", args=["evaluation", cycle.pk, "score"])}"' in page
    # The committee's community has other compounds (the light units): it scores them too.
    others = [t["result"] for t in scoring_targets(cycle, ev.user("shuji")) if t["score"] is None]
    assert others
    for other in others:
        submit_party_score(
            cycle=cycle,
            by=ev.user("shuji"),
            scorer=scorer,
            organization=other.organization,
            compound=other.compound,
            answers=ev.party_answers(cycle),
        )
    too_many = {**data, f"score-c_{cycle.method['party_criteria'][0]['key']}": "999"}
    page = client.get(reverse("evaluation-score", args=[cycle.pk])).content.decode()
    correct = reverse("action", args=["evaluation", cycle.pk, "rescore"])
    assert f'action="{correct}"' in page  # everything scored: the form corrects
    refused = client.post(correct, too_many)
    assert refused.status_code == 400
    assert PartyScore.objects.get(pk=score.pk).score == score.score


def _personal_data() -> list[str]:
    """Names, phone numbers and home units of every person in the demo."""
    found = []
    for user in User.objects.all():
        found += [user.username, user.get_full_name()]
        found += [getattr(user, "phone", "") or ""]
    for residency in Residency.objects.select_related("unit__building"):
        found.append(f"{residency.unit.building.name}{residency.unit.number}")
    return [item for item in found if item and len(item) > 1]


def test_publication_appeal_decision_and_the_public_list(demo) -> None:
    cycle = ev.open_cycle()
    ev.score_all(cycle)
    office = login_client(ev.user("jiedao"))
    public = reverse("evaluation-public", args=[cycle.pk])
    assert Client().get(public).status_code == 404  # nothing published yet
    for step in ("close_scoring", "publish"):
        response = office.post(reverse("action", args=["evaluation", cycle.pk, step]))
        assert response.status_code == 302, step
    cycle.refresh_from_db()
    assert cycle.status == S.PUBLISHED
    page = Client().get(public)
    text = page.content.decode()
    assert page.status_code == 200
    assert "社区评价红黑榜" in text and "黑名单" in text
    assert ev.JINGCHAO in text

    result = ev.result_of(cycle, ev.JINGCHAO)
    firm = login_client(ev.user("wuye"))
    form = firm.get(reverse("action", args=["evaluation_result", result.pk, "appeal"]))
    assert form.status_code == 200
    filed = firm.post(
        reverse("action", args=["evaluation_result", result.pk, "appeal"]),
        {"appeal-reasons": "夜间维修记录未计入。"},
    )
    assert filed.status_code == 302
    decided = office.post(
        reverse("action", args=["evaluation_result", result.pk, "decide_appeal"]),
        {
            "decide-outcome": "upheld",
            "decide-decision": "核实夜间维修记录后更正<script>x</script>",
            "decide-corrected_score": "93.00",
        },
    )
    assert decided.status_code == 302
    assert Appeal.objects.get(result=result).status == Appeal.Status.UPHELD
    text = Client().get(public).content.decode()
    assert "核实夜间维修记录后更正" in text and "93.00" in text
    assert "<script>x</script>" not in text
    leaked = [item for item in _personal_data() if re.search(re.escape(item), text)]
    assert leaked == []

    # The published list downloads as CSV (and Excel): the corrected score with the one
    # before it, the same rows as the page, nobody's personal data; unpublished: 404.
    export = Client().get(reverse("evaluation-export", args=[cycle.pk, "csv"]))
    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    firm_row = next(r for r in rows[1:] if r[1] == ev.JINGCHAO and r[2] == "全部小区")
    assert firm_row[4] == "93.0" and firm_row[7] not in ("", "93.00")
    assert not [item for item in _personal_data() if any(item in cell for r in rows for cell in r)]
    xlsx = Client().get(reverse("evaluation-export", args=[cycle.pk, "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    unpublished = ev.open_cycle()
    assert (
        Client().get(reverse("evaluation-export", args=[unpublished.pk, "csv"])).status_code == 404
    )
