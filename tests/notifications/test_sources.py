"""Who is told what: the reporter on each status change, a person of each new task (once),
a compound's residents of its votes; and on which channels, by their preferences."""

from __future__ import annotations

from typing import Any

from django.utils import translation

from deliberation.actions.notification_text import notification_text
from deliberation.models import (
    Channel,
    Delivery,
    Event,
    Notification,
    NotificationKind,
    NotificationPreference,
    NotificationSettings,
    User,
)
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


def _residents(n: int, tag: str) -> list[User]:
    return User.objects.bulk_create(
        User(username=f"{tag}-{i}", phone=f"139{i:08d}", display_name=f"居民{i}") for i in range(n)
    )


def _tell(people: list[User]) -> list[Notification]:
    return svc.notify(
        recipients=people,
        kind=NotificationKind.MEETING,
        msgid="A session is convened: %(title)s",
        params={"title": "电梯更新"},
        dedupe="session:1:convened",
    )


def test_telling_many_residents_costs_what_telling_a_few_does(demo: Any) -> None:
    """A compound's residents are told in a fixed number of queries (the job takes them
    500 at a time): 10 or 300 residents, the same statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n, tag in ((10, "few"), (300, "many")):
        people = _residents(n, tag)
        with CaptureQueriesContext(connection) as queries:
            made = _tell(people)
        assert len(made) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_telling_many_keeps_each_persons_choices_limits_and_dedupe(demo: Any) -> None:
    people = _residents(5, "choice")
    busy, no_app, no_phone = people[2], people[3], people[4]
    NotificationPreference.objects.create(
        user=no_app, kind=NotificationKind.MEETING, channel=Channel.IN_APP, enabled=False
    )
    NotificationSettings.objects.create(user=busy, hourly_limit=0)
    no_phone.phone = ""
    no_phone.save(update_fields=["phone"])

    made = {n.recipient_id: n for n in _tell(people)}
    assert set(made) == {p.pk for p in people}
    assert made[no_app.pk].read_at is not None  # off in the app: not unread
    assert all(made[p.pk].read_at is None for p in people if p != no_app)
    bells = Event.objects.filter(kind="notification-bell", topic__startswith="user:")
    assert {e.topic for e in bells} >= {f"user:{p.pk}:home" for p in people if p != no_app}
    assert not bells.filter(topic=f"user:{no_app.pk}:home").exists()
    sms = {d.notification.recipient_id: d for d in Delivery.objects.filter(channel=Channel.SMS)}
    assert no_phone.pk not in sms
    assert sms[busy.pk].status == Delivery.Status.DIGEST  # over their hourly limit
    assert sms[people[0].pk].status == Delivery.Status.PENDING
    assert sms[people[0].pk].to == people[0].phone
    # The same event again: nobody is told twice.
    assert _tell(people) == []
    assert Notification.objects.filter(dedupe="session:1:convened").count() == 5
