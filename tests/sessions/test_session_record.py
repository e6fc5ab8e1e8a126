"""What a session leaves behind: minutes with the times it was actually held, items left
open deferred explicitly with the reason, notices that link to what they announce."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from deliberation.models import AgendaItem, Announcement, Issue, Minutes, Session
from deliberation.services import sessions as services
from deliberation.services.sessions.minutes import publish_minutes
from tests.hardening import surfaces_votes
from tests.sessions.helpers import action_url, opened, user
from tests.sessions.test_issues import awaiting_issue
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db


def _end(session: Session) -> Session:
    response = login_client(user("shuji")).post(action_url("session", session.pk, "end"))
    assert response.status_code in (200, 302), response.status_code
    session.refresh_from_db()
    assert session.status == Session.Status.ENDED
    return session


def test_minutes_use_the_actual_opening_and_closing_times(demo) -> None:
    session = _end(opened(demo))  # scheduled two days ahead, opened and ended now
    text = Minutes.objects.get(session=session).text
    line = next(x for x in text.splitlines() if x.startswith("时间"))
    with translation.override("zh-hans"):  # the minutes are written in the named formats

        def shown(moment: datetime) -> str:
            return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")

        began, scheduled = shown(session.opened_at), shown(session.starts_at)
    ended = timezone.localtime(session.ended_at)
    assert began in line
    assert ended.strftime("%H:%M") in line
    # the scheduled time is only mentioned as such, never as the start
    assert line.index(began) < line.index(scheduled)
    assert "原定" in line


def test_ending_defers_undecided_items_with_the_reason(demo) -> None:
    issue = awaiting_issue(demo)
    session = opened(demo)
    services.add_agenda_item(actor=user("shuji"), session=session, title="楼道照明", issues=[issue])
    first = session.items.order_by("order").first()
    services.open_item(actor=user("shuji"), item=first)
    room = login_client(user("shuji")).get(reverse("session-room", args=[session.pk]))
    page = room.content.decode()
    assert (
        'data-action="end"' in page and "结束会议时，尚未形成决议的议题将顺延" in page
    )  # told first
    _end(session)
    outcomes = set(session.items.values_list("outcome", flat=True))
    assert outcomes == {AgendaItem.Outcome.DEFERRED}
    reasons = set(session.items.values_list("deferral_reason", flat=True))
    assert len(reasons) == 1 and "会议结束" in reasons.pop()
    text = Minutes.objects.get(session=session).text
    assert "会议结束前未及审议" in text
    issue.refresh_from_db()
    assert issue.status == Issue.Status.AWAITING_SESSION


def test_published_minutes_notice_links_to_the_minutes(demo) -> None:
    session = _end(opened(demo))
    publish_minutes(actor=user("shuji"), session=session)
    url = reverse("session-minutes", args=[session.pk])
    resident = login_client(user("jumin"))
    board = resident.get(reverse("compound-detail", args=[demo.tuanjie.pk])).content.decode()
    notice = Announcement.objects.filter(link=url).get()
    article = re.search(rf'id="announcement-{notice.pk}".*?</article>', board, re.S)
    assert article and f'href="{url}"' in article.group(0)
    assert resident.get(url).status_code == 200  # a link the resident may follow


def test_vote_notice_links_to_the_vote(demo) -> None:
    vote = surfaces_votes.noticed(demo)
    url = reverse("vote-detail", args=[vote.pk])
    notice = Announcement.objects.filter(compound=vote.compound, link=url).get()
    assert vote.title in notice.title
    board = login_client(user("jumin")).get(reverse("compound-detail", args=[vote.compound_id]))
    assert f'href="{url}"' in board.content.decode()


@pytest.mark.parametrize(("ended_in", "read_in"), [("zh-hans", "en"), ("en", "zh-hans")])
def test_the_deferral_reason_and_minutes_read_in_the_readers_language(
    demo, ended_in: str, read_in: str
) -> None:
    """Ended by a chair using one language, read by a party using the other: the minutes
    and the reason an open item was deferred come in the reader's language."""
    session = opened(demo)
    services.add_agenda_item(actor=user("shuji"), session=session, title="楼道照明")
    chair = login_client(user("shuji"))
    chair.cookies[settings.LANGUAGE_COOKIE_NAME] = ended_in
    assert chair.post(action_url("session", session.pk, "end")).status_code in (200, 302)
    reader = login_client(user("shuji"))
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = read_in
    page = reader.get(reverse("session-minutes", args=[session.pk])).content.decode()
    shown = re.search(r'<div class="minutes-text">(.*?)</div>', page, re.S)
    assert shown  # (the chair's edit form below holds the platform language's draft)
    plain = reader.get(reverse("session-minutes-text", args=[session.pk])).content.decode()
    with translation.override(read_in):
        reason = str(_("Not reached before the session ended; deferred to a later session."))
        heading = str(_("Attendance"))
    with translation.override(ended_in):
        other = str(_("Not reached before the session ended; deferred to a later session."))
    for text in (shown.group(1), plain):
        assert reason in text and other not in text and heading in text
    item = session.items.get(title="楼道照明")
    with translation.override(read_in):
        assert item.deferral_display == reason


def test_minutes_from_before_they_were_stored_per_language_still_read(demo) -> None:
    session = _end(opened(demo))
    Minutes.objects.filter(session=session).update(texts={}, text="旧纪要\n")
    AgendaItem.objects.filter(session=session).update(
        deferral_message=None, deferral_reason="旧的理由"
    )
    reader = login_client(user("shuji"))
    reader.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = reader.get(reverse("session-minutes", args=[session.pk])).content.decode()
    assert "旧纪要" in page
    assert {i.deferral_display for i in session.items.all()} <= {"旧的理由"}
