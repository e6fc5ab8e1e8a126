"""Issue 16 part 4: free text has a limit and no control characters wherever it comes in
(session actions, convening, votes, forms); a session's online link is an http(s) address,
and one stored before that check breaks neither the calendar file nor the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Announcement,
    Event,
    Issue,
    Minutes,
    OwnersVote,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Session,
)
from deliberation.services import sessions as services
from tests.sessions.helpers import (
    DELEGATES,
    action_url,
    convene,
    fields,
    invitation,
    opened,
    speak_all,
    user,
)
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


def _events() -> int:
    return Event.objects.count()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "议题\x00"}, "不允许的字符"),  # PostgreSQL: a 500 before
        ({"title": "长" * 201}, "过长"),  # PostgreSQL: a 500 before
        ({"title": "议题", "description": "x" * 1_000_000}, "过长"),  # stored and pushed before
        ({"title": "x" * 1_000_000}, "过长"),
        ({"title": "议题\r\n第二行"}, "不允许的字符"),
        ({"title": "议题", "description": "说明\x1b[31m"}, "不允许的字符"),
    ],
)
def test_agenda_item_text_is_refused_with_400_and_nothing_stored(demo, data, message) -> None:
    session = convene(demo)
    before = (AgendaItem.objects.count(), _events())
    response = login_client(user("shuji")).post(
        action_url("session", session.pk, "add_item"), fields("add_item", **data), **HX
    )
    assert response.status_code == 400, response.content.decode()[:300]
    assert message in response.content.decode()
    assert (AgendaItem.objects.count(), _events()) == before


def test_agenda_item_with_lines_and_non_ascii_digits_is_stored(demo) -> None:
    session = convene(demo)
    response = login_client(user("shuji")).post(
        action_url("session", session.pk, "add_item"),
        fields("add_item", title="第²号议题", description="第一行\r\n第二行\t（²³）"),
        **HX,
    )
    assert response.status_code == 200
    item = AgendaItem.objects.get(title="第²号议题")
    assert item.description == "第一行\r\n第二行\t（²³）"


@pytest.mark.parametrize("text", ["问\x00题", "问题\x08", "问" * 501])
def test_question_with_nul_or_controls_is_a_400(demo, text) -> None:
    session = convene(demo)
    before = (Question.objects.count(), _events())
    response = login_client(user("jumin")).post(
        action_url("session", session.pk, "ask"), fields("ask", text=text), **HX
    )
    assert response.status_code == 400
    assert (Question.objects.count(), _events()) == before


def test_statement_decision_criteria_and_reason_have_enforced_limits(demo) -> None:
    session = opened(demo)
    shuji = login_client(user("shuji"))
    services.open_item(actor=user("shuji"), item=session.items.first())
    services.open_round(actor=user("shuji"), session=session)
    wuye = login_client(user("wuye"))
    position = action_url("invitation", invitation(session, Party.PROVIDER).pk, "speak")
    for statement in ("同意\x00", "同意\x07"):
        data = fields("speak", stance="support", statement=statement)
        assert wuye.post(position, data, **HX).status_code == 400
    assert not Position.objects.exists()
    speak_all(session)
    propose = action_url("session", session.pk, "propose")
    good = fields(
        "propose",
        decision="更换电梯",
        responsible_party=Party.PROVIDER,
        deadline=(timezone.localdate() + timedelta(days=30)).isoformat(),
        acceptance_criteria="验收合格",
    )
    for bad in (
        fields("propose", decision="长" * 2001),
        fields("propose", acceptance_criteria="长" * 2001),
        fields("propose", decision="更换\x00电梯"),
        fields("propose", acceptance_criteria="x" * 1_000_000),
    ):
        response = shuji.post(propose, {**good, **bad}, **HX)
        assert response.status_code == 400, bad
    assert not Resolution.objects.exists()
    assert shuji.post(propose, good, **HX).status_code == 200
    party, username = next(iter(DELEGATES.items()))
    vote = action_url("invitation", invitation(session, party).pk, "vote")
    for reason in ("理由\x00", "长" * 1001, "理由\x1f"):
        data = fields("vote", choice="object", reason=reason)
        assert login_client(user(username)).post(vote, data, **HX).status_code == 400
    assert not ResolutionVote.objects.exists()


def test_minutes_refuse_control_characters(demo) -> None:
    session = opened(demo)
    services.end_session(actor=user("shuji"), session=session)
    record = Minutes.objects.get(session=session)
    response = login_client(user("shuji")).post(
        action_url("minutes", record.pk, "edit"), fields("edit", text="纪要\x00")
    )
    assert response.status_code == 400 and "不允许的字符" in response.content.decode()
    assert Minutes.objects.get(pk=record.pk).text == record.text


def _convene_data(demo, **data: str) -> dict[str, object]:
    start = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    values = {
        "title": "新会议",
        "organization": user("shuji").memberships.first().organization_id,
        "compound": demo.tuanjie.pk,
        "starts_at": start,
        "place": "",
        "agenda": "议题一\n",
        "adoption_rule": "no_objection",
        **data,
    }
    return fields("convene", **values)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"online_link": "javascript:alert(document.cookie)"}, "http://"),
        ({"online_link": "https://meet.example.org/a\r\nX-Evil: 1"}, "不允许的字符"),
        ({"online_link": "https://meet.example.org/" + "a" * 200}, "过长"),
        ({"online_link": "ftp://meet.example.org/"}, "http://"),
        ({"title": "会议\x00", "place": "会议室"}, "不允许的字符"),
        ({"title": "长" * 201, "place": "会议室"}, "最多200字"),
        ({"place": "会议室\x00"}, "不允许的字符"),
        ({"place": "会议室", "agenda": "议题\x00"}, "不允许的字符"),
        ({"place": "会议室", "agenda": "长" * 201}, "过长"),
    ],
)
def test_convening_refuses_bad_links_and_text_with_400(demo, data, message) -> None:
    before = (Session.objects.count(), _events())
    response = login_client(user("shuji")).post(
        action_url("compound", demo.tuanjie.pk, "convene"), _convene_data(demo, **data)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert (Session.objects.count(), _events()) == before


def test_an_https_online_link_is_accepted_and_offered(demo) -> None:
    client = login_client(user("shuji"))
    link = "https://meet.example.org/room?id=42"
    response = client.post(
        action_url("compound", demo.tuanjie.pk, "convene"), _convene_data(demo, online_link=link)
    )
    assert response.status_code == 302
    session = Session.objects.get(title="新会议")
    assert session.online_link == link
    page = client.get(response["Location"]).content.decode()
    assert 'href="https://meet.example.org/room?id=42"' in page


@pytest.mark.parametrize(
    "stored",
    [
        "https://meet.example.org/a\r\nATTENDEE:mailto:evil@example.org",
        "javascript:alert(1)",
        "https://meet.example.org/\x1b[2J",
    ],
)
def test_a_bad_link_stored_earlier_breaks_neither_calendar_nor_page(demo, stored) -> None:
    session = convene(demo, online_link="https://meet.example.org/ok")
    Session.objects.filter(pk=session.pk).update(online_link=stored)
    client = login_client(user("wuye"))
    response = client.get(reverse("session-ics", args=[session.pk, Party.PROVIDER]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "URL:" not in body
    assert "\nATTENDEE" not in body
    page = client.get(reverse("session-room", args=[session.pk])).content.decode()
    assert "javascript:" not in page and 'href="https://meet.example.org/a' not in page


def test_vote_titles_refuse_nul_and_over_long_text(demo) -> None:
    client = login_client(demo.user("yeweihui"))
    url = reverse("action", args=["compound", demo.tuanjie.pk, "propose"])
    good = {
        "propose-title": "电梯",
        "propose-matter_title_1": "更换电梯",
        "propose-matter_kind_1": "other",
    }
    before = (OwnersVote.objects.count(), _events())
    for bad in (
        {"propose-title": "电梯\x00"},  # PostgreSQL: a 500 before
        {"propose-matter_title_1": "更换\x00"},
        {"propose-title": "长" * 201},  # silently cut to 200 before
        {"propose-matter_title_1": "长" * 201},
    ):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 400, bad
    assert (OwnersVote.objects.count(), _events()) == before
    assert client.post(url, good).status_code == 302


def test_forms_refuse_control_characters_other_than_line_breaks(demo) -> None:
    """Django's forms refuse NUL only; the bell, escape and friends were stored."""
    jumin = login_client(user("jumin"))
    before = Issue.objects.count()
    base = {"compound": demo.tuanjie.pk, "urgency": "ordinary", "description": "楼道灯坏了"}
    for bad in ({"description": "灯坏了\x1b[2J"}, {"location_text": "2号楼\n3单元"}):
        response = jumin.post(reverse("issue-report"), {**base, **bad})
        assert response.status_code == 400, bad
    assert Issue.objects.count() == before
    ok = jumin.post(reverse("issue-report"), {**base, "description": "第一行\r\n第二行"})
    assert ok.status_code == 302
    wuye = login_client(user("wuye"))
    notices = Announcement.objects.count()
    response = wuye.post(
        reverse("action", args=["compound", demo.tuanjie.pk, "announce"]),
        {
            "announce-organization": demo.tuanjie.property_provider_id,
            "announce-title": "停水\x07",
            "announce-body": "b",
        },
    )
    assert response.status_code == 400
    assert Announcement.objects.count() == notices


def test_convening_on_an_issue_with_several_lines_makes_a_one_line_topic(demo) -> None:
    """Topics refuse line breaks; an issue's description may have them."""
    from deliberation.services import issues as issue_services
    from deliberation.services import triage as triage_services

    issue = issue_services.report_issue(
        actor=user("jumin"),
        channel="web",
        description="2号楼电梯\r\n经常停运",
        compound=demo.tuanjie,
    )
    triage_services.send_to_session(issue=issue, actor=user("juwei"))
    response = login_client(user("shuji")).post(
        action_url("compound", demo.tuanjie.pk, "convene"),
        _convene_data(demo, place="会议室", agenda="", issues=str(issue.pk)),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Session.objects.get(title="新会议").items.get().title == "2号楼电梯 经常停运"
