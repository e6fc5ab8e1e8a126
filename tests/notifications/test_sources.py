"""Who is told what: the reporter on each status change, a person of each new task (once),
a compound's residents of its votes; and on which channels, by their preferences."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from deliberation.actions.notification_text import notification_text
from deliberation.models import Channel, Delivery, Notification, NotificationKind, User
from deliberation.outbound import recording
from deliberation.services import notifications as svc
from deliberation.services.work_orders import accept_work_order
from deliberation.tasks.notifications import notify_new_tasks
from tests.intake.factories import dispatched


def _of(username: str, kind: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient__username=username)
    return list(found.filter(kind=kind) if kind else found)


def test_the_reporter_hears_of_each_status_change_in_the_app_and_by_sms(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue, order = dispatched("楼道灯坏了<b>")
    told = [n for n in _of("jumin", NotificationKind.ISSUE_STATUS) if n.target_pk == issue.pk]
    assert len(told) == 1
    with translation.override("zh-hans"):
        text = notification_text(told[0])
    assert f"#{issue.pk}" in text and "派" in text, text
    sms = [m for m in recording.sent("sms") if m["key"] == f"notification:{told[0].pk}:sms"]
    assert [m["to"] for m in sms] == [demo.user("jumin").phone]
    # The reporter's own step is not news to them; the firm's acceptance is.
    with django_capture_on_commit_callbacks(execute=True):
        accept_work_order(work_order=order, actor=demo.user("wuye"))
    mine = [n for n in _of("jumin", NotificationKind.ISSUE_STATUS) if n.target_pk == issue.pk]
    assert len(mine) == 2


def test_a_new_task_is_told_once_in_the_app_and_staff_get_no_sms_by_default(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        issue, order = dispatched("电梯异响")
    key = f"task:work_order:{order.pk}:accept"
    tasks = [n for n in _of("wuye", NotificationKind.TASK) if n.dedupe == key]
    assert len(tasks) == 1
    assert tasks[0].url.endswith(f"/work-orders/{order.pk}/") or str(order.pk) in tasks[0].url
    with translation.override("zh-hans"):
        assert "电梯异响" in notification_text(tasks[0])
    firm = order.responsible_id
    notify_new_tasks([firm], [])  # told again: nothing new
    assert len([n for n in _of("wuye", NotificationKind.TASK) if n.dedupe == key]) == 1
    staff_phone = demo.user("wuye").phone
    assert not [m for m in recording.sent("sms") if m["to"] == staff_phone]


def test_a_staff_member_who_asks_for_sms_gets_their_tasks_by_sms(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    wuye = demo.user("wuye")
    svc.save_preferences(
        user=wuye,
        choices={(NotificationKind.TASK, Channel.SMS): True},
        quiet_from=None,
        quiet_until=None,
    )
    with django_capture_on_commit_callbacks(execute=True):
        _, order = dispatched("水管漏水")
    sent = [m for m in recording.sent("sms") if m["to"] == wuye.phone]
    assert any("水管漏水" in m["body"] for m in sent), sent


def test_residents_hear_when_a_vote_opens(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from deliberation.services import votes as vote_services
    from tests.hardening import surfaces_votes

    with django_capture_on_commit_callbacks(execute=True):
        vote = surfaces_votes.noticed(demo)
    noticed = Notification.objects.filter(dedupe=f"vote:{vote.pk}:noticed")
    residents = set(svc.compound_residents([vote.compound_id]))
    assert residents and set(n.recipient for n in noticed) == residents
    with django_capture_on_commit_callbacks(execute=True):
        vote_services.run_clock()
    opened = Notification.objects.filter(dedupe=f"vote:{vote.pk}:voting")
    assert {n.recipient for n in opened} == residents
    # No one outside the compound is told.
    outsiders = User.objects.exclude(pk__in=[u.pk for u in residents])
    assert not Notification.objects.filter(
        recipient__in=outsiders, dedupe__startswith=f"vote:{vote.pk}:"
    ).exists()
    assert Delivery.objects.filter(notification__in=opened, channel=Channel.SMS).exists()
