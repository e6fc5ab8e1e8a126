"""The resident's task list reads as plain Chinese for an older reader: what to do · on what,
"请在 <time> 前完成" for the due time and "已逾期" once it passed — not "<time> 到期",
"已超时" or translated English ("投出你的选票")."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.demo.votes import MEETING_TITLE
from deliberation.models import OwnersVote
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db


def _task_list(demo) -> str:
    response = login_client(demo.user("jumin")).get(reverse("task-list"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_ballot_to_cast_reads_what_to_do_and_by_when(demo) -> None:
    meeting = OwnersVote.objects.get(title=MEETING_TITLE)
    closes = timezone.localtime(meeting.closes_at)
    listed = _task_list(demo)
    assert f"参加投票</strong> · 团结公寓 · {MEETING_TITLE}" in listed
    assert f"请在 {closes:%Y}年{closes.month}月{closes.day}日 {closes:%H:%M} 前完成" in listed
    assert not re.search(r"\d\d:\d\d 到期", listed) and "投出你的选票" not in listed


def test_a_task_past_its_time_is_marked_overdue_in_plain_words(demo) -> None:
    OwnersVote.objects.filter(title=MEETING_TITLE).update(
        closes_at=timezone.now() - timedelta(minutes=5)
    )
    listed = _task_list(demo)
    assert '<span class="badge badge-overdue">已逾期</span>' in listed
    assert "已超时" not in listed
