"""The community evaluation in the browser (issue 12 §1): the subdistrict opens a cycle →
two households answer the survey on their phones → the community Party committee, the
residents' committee and a department score → the subdistrict closes the scoring and
publishes → the firm appeals → the decision is recorded → the public page (no login) shows
the corrected list with its reason. Each page passes the axe checks."""

from __future__ import annotations

import pytest

from deliberation.models import Appeal, EvaluationCycle, EvaluationResult, SurveyResponse
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JINGCHAO = "京朝物业服务有限公司（示例）"


def test_a_cycle_from_opening_to_the_corrected_public_list(browser, live_server_asgi) -> None:
    server = live_server_asgi

    # The subdistrict opens the cycle with the default method shown in the form.
    office = browser_login(browser, server, "jiedao")
    office.on("dialog", lambda dialog: dialog.accept())  # "Close the survey and the scoring?"
    office.goto(f"{server.url}/evaluations/")
    assert_accessible(office, "cycles and the opening form")
    office.fill("#id_year", "2031")
    office.select_option("#id_half", "1")
    # Opening scores every provider of the subdistrict: seconds on a loaded machine.
    office.click("#evaluation-open button[type=submit]", no_wait_after=True)
    office.wait_for_url(f"{server.url}/evaluations/*/", timeout=30_000)
    cycle = EvaluationCycle.objects.get(year=2031, half=1)
    page_url = f"{server.url}/evaluations/{cycle.pk}/"
    assert_accessible(office, "cycle page, scoring")
    keys = [c["key"] for c in cycle.method["survey_criteria"]]

    # Two households of 团结公寓 answer on their phones, review, then send.
    for username in ("jumin", "yeweihui"):
        phone = browser_login(browser, server, username, phone=True)
        phone.goto(f"{server.url}/evaluations/{cycle.pk}/survey/")
        assert_accessible(phone, f"survey, {username}")
        for key in keys:
            phone.check(f"#id_survey-c_{key}_3")  # 较好
        phone.click("form.survey button[type=submit]")
        phone.wait_for_selector(".survey-review")
        assert_accessible(phone, f"survey review, {username}")
        phone.click(".survey-review form button[type=submit]")
        phone.wait_for_selector("[role=status]")
        phone.context.close()
    assert SurveyResponse.objects.filter(cycle=cycle).count() == 2

    # The Party committee, the residents' committee and a department score.
    for username in ("shuji", "juwei", "jiedao"):
        scorer = office if username == "jiedao" else browser_login(browser, server, username)
        scorer.goto(f"{server.url}/evaluations/{cycle.pk}/score/")
        assert_accessible(scorer, f"scoring, {username}")
        if username == "jiedao":
            scorer.select_option(
                "#id_score-target", label=f"{JINGCHAO} · 总体 (团结湖街道办事处城市管理科)"
            )
        for criterion in cycle.method["party_criteria"]:
            scorer.fill(f"#id_score-c_{criterion['key']}", str(criterion["max"] - 2))
        scorer.click(f"#evaluation-score-{cycle.pk} button[type=submit]")
        scorer.wait_for_selector(".notice, [role=status], .messages")
    assert cycle.scores.count() == 3

    # The subdistrict closes the scoring, reviews and publishes.
    office.goto(page_url)
    office.click(f"#evaluation-close_scoring-{cycle.pk} button[type=submit]")
    office.wait_for_selector(f"#evaluation-publish-{cycle.pk}")
    assert_accessible(office, "cycle page, review")
    office.click(f"#evaluation-publish-{cycle.pk} button[type=submit]")
    office.wait_for_selector(f"a[href$='/public/evaluations/{cycle.pk}/']")
    result = EvaluationResult.objects.get(
        cycle=cycle, organization__name=JINGCHAO, compound__isnull=True
    )
    before = result.score

    # The firm appeals with its reasons.
    firm = browser_login(browser, server, "wuye")
    firm.goto(page_url)
    firm.click(f"a[href$='/evaluation_result/{result.pk}/actions/appeal/']")
    assert_accessible(firm, "appeal form")
    firm.fill("#id_appeal-reasons", "五月的夜间维修记录未计入。")
    firm.click("form[action$='/actions/appeal/'] button[type=submit]")
    firm.wait_for_url(page_url)

    # The subdistrict decides: upheld, with the corrected score and its reason.
    office.goto(page_url)
    office.click(f"a[href$='/evaluation_result/{result.pk}/actions/decide_appeal/']")
    assert_accessible(office, "decision form")
    office.check("#id_decide-outcome_0")
    office.fill("#id_decide-decision", "核实五月夜间维修记录后更正。")
    office.fill("#id_decide-corrected_score", "88.50")
    office.click("form[action$='/actions/decide_appeal/'] button[type=submit]")
    office.wait_for_url(page_url)
    assert Appeal.objects.get(result=result).status == Appeal.Status.UPHELD

    # Anyone, without logging in, sees the corrected list and why it changed.
    visitor = browser.new_context(locale="zh-CN").new_page()
    visitor.goto(f"{server.url}/public/evaluations/{cycle.pk}/")
    assert_accessible(visitor, "public list")
    text = visitor.inner_text("main")
    assert "社区评价红黑榜" in text and "不是官方黑名单" in text
    assert "核实五月夜间维修记录后更正。" in text and "88.50" in text
    assert str(before) in text  # the score before the correction stays visible
