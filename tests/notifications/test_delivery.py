"""Deliveries outside the app: retried until they go through, never twice; held in quiet
hours; past the hourly limit folded into the daily digest, which goes once a day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from deliberation.models import Delivery, Digest, Notification, NotificationKind
from deliberation.outbound import recording
from deliberation.services import notifications as svc
from deliberation.tasks import notifications as jobs


def _tell(user: Any, n: int = 1) -> list[Notification]:
    return [
        svc.notify(
            recipients=[user],
            kind=NotificationKind.ISSUE_STATUS,
            msgid=gettext_noop("Your report #%(id)s is now: %(issue_status)s."),
            params={"id": 7, "issue_status": "resolved"},
        )[0]
        for _ in range(n)
    ]


def test_a_failing_sms_is_retried_and_delivered_exactly_once(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = demo.user("jumin")
    recording.fail_next("sms", 2)
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = _tell(jumin)
    key = f"notification:{n.pk}:sms"
    assert [m["to"] for m in recording.sent("sms") if m["key"] == key] == [jumin.phone]
    d = Delivery.objects.get(key=key)
    assert (d.status, d.attempts) == (Delivery.Status.SENT, 3)
    assert "#7" in recording.sent("sms")[-1]["body"]
    # A duplicated or late job finds it sent and sends nothing.
    assert jobs.deliver_notification.apply((d.pk,)).get() == Delivery.Status.SENT
    assert len([m for m in recording.sent("sms") if m["key"] == key]) == 1


def test_quiet_hours_hold_an_sms_until_they_end(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = demo.user("jumin")
    now = timezone.localtime()
    svc.save_preferences(
        user=jumin,
        choices={},
        quiet_from=(now - timedelta(hours=1)).time(),
        quiet_until=(now + timedelta(hours=1)).time(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = _tell(jumin)
    d = Delivery.objects.get(notification=n)
    assert d.status == Delivery.Status.PENDING and d.send_after and d.send_after > timezone.now()
    assert not [m for m in recording.sent("sms") if m["key"] == d.key]
    assert d.pk not in svc.due_deliveries()
    Delivery.objects.filter(pk=d.pk).update(send_after=timezone.now() - timedelta(minutes=1))
    jobs.send_due_deliveries()
    assert [m["key"] for m in recording.sent("sms")] == [d.key]


def test_quiet_hours_across_midnight() -> None:
    settings = svc.NotificationSettings(quiet_from=time(22, 0), quiet_until=time(7, 0))
    late = timezone.make_aware(datetime(2026, 12, 2, 23, 30))
    early = timezone.make_aware(datetime(2026, 12, 3, 6, 0))
    noon = timezone.make_aware(datetime(2026, 12, 3, 12, 0))
    assert svc.quiet_until(settings, late) == timezone.make_aware(datetime(2026, 12, 3, 7, 0))
    assert svc.quiet_until(settings, early) == timezone.make_aware(datetime(2026, 12, 3, 7, 0))
    assert svc.quiet_until(settings, noon) is None


def test_past_the_hourly_limit_messages_go_into_the_digest_once_a_day(
    demo: Any, django_capture_on_commit_callbacks: Any
) -> None:
    jumin = demo.user("jumin")
    svc.save_preferences(user=jumin, choices={}, quiet_from=None, quiet_until=None)
    with django_capture_on_commit_callbacks(execute=True):
        told = _tell(jumin, 8)
    sms = [m for m in recording.sent("sms") if m["to"] == jumin.phone]
    assert len(sms) == 6  # the default limit
    folded = Delivery.objects.filter(notification__in=told, status=Delivery.Status.DIGEST)
    assert folded.count() == 2
    # Everyone is told in the app all the same.
    assert svc.unread_count(jumin) >= 8
    day = timezone.localdate()
    assert jobs.send_digest(jumin, day) == "sent"
    assert jobs.send_digest(jumin, day) == "already sent"
    digests = [m for m in recording.sent() if m["key"] == f"digest:{jumin.pk}:{day.isoformat()}"]
    assert len(digests) == 1 and "#7" in digests[0]["body"]
    assert Digest.objects.filter(user=jumin, day=day).count() == 1


def test_the_staff_digest_lists_their_tasks(demo: Any) -> None:
    from tests.intake.factories import dispatched

    _, order = dispatched("消防通道堵塞")
    wuye = demo.user("wuye")
    body = jobs.digest_text(wuye, timezone.now() - timedelta(days=1))
    assert "消防通道堵塞" in body and "待办" in body


def test_the_digest_counts_a_backlog_beyond_what_the_task_list_loads(
    demo: Any, monkeypatch: Any
) -> None:
    """The committee's digest lists the reports its task list loads and counts the rest."""
    from deliberation.actions import issues as issue_actions
    from tests.intake.factories import report

    for n in range(3):
        report(f"楼道灯坏了 {n}")
    juwei = demo.user("juwei")
    waiting = len([t for t in jobs.tasks_for(juwei) if t.kind.name == "issue"])
    monkeypatch.setattr(issue_actions, "TRIAGE_TASKS_LOADED", 1)
    body = jobs.digest_text(juwei, timezone.now() - timedelta(days=1))
    assert "楼道灯坏了 2" in body and "楼道灯坏了 0" not in body
    assert f"另有 {waiting - 1} 件较早的待分拨诉求未在此列出。" in body, body
