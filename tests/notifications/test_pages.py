"""The bell, the list and the settings as a person meets them: only their own notifications,
opening one asks the policy again, bad input gets a message and changes nothing."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_noop

from deliberation.models import Notification, NotificationKind, NotificationPreference
from deliberation.services import notifications as svc
from tests.intake.factories import report
from tests.support.clients import login_client


def _told(
    user: Any, issue: Any, text: str = "Your report #%(id)s is now: %(issue_status)s."
) -> Notification:
    return svc.notify(
        recipients=[user],
        kind=NotificationKind.ISSUE_STATUS,
        msgid=text,
        params={"id": issue.pk, "issue_status": issue.status},
        target=("issue", issue.pk),
        url=reverse("issue-detail", args=[issue.pk]),
    )[0]


def test_the_bell_counts_unread_and_the_list_shows_only_ones_own(demo: Any) -> None:
    issue = report("窗户玻璃破了<script>x</script>")
    jumin, jumin2 = demo.user("jumin"), demo.user("jumin2")
    mine = _told(jumin, issue)
    _told(jumin2, issue)
    client = login_client(jumin)
    bell = client.get(reverse("notification-bell"))
    assert bell.status_code == 200
    assert 'data-unread="1"' in bell.content.decode()
    page = client.get(reverse("notification-list")).content.decode()
    assert reverse("notification-open", args=[mine.pk]) in page
    assert page.count("data-notification=") == 1
    assert "<script>x" not in page
    assert client.get(reverse("notification-open", args=[mine.pk + 1])).status_code == 404


def test_opening_marks_read_and_asks_the_policy_again(demo: Any) -> None:
    issue = report("楼道堆物")
    jumin2 = demo.user("jumin2")  # lives in 轻工宿舍: may not see an issue of 团结公寓
    stale = _told(jumin2, issue)
    client = login_client(jumin2)
    answer = client.get(reverse("notification-open", args=[stale.pk]))
    assert answer.status_code == 403
    assert "楼道堆物" not in answer.content.decode()
    stale.refresh_from_db()
    assert stale.read_at is not None

    mine = _told(demo.user("jumin"), issue)
    opened = login_client(demo.user("jumin")).get(reverse("notification-open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == reverse(
        "issue-detail", args=[issue.pk]
    )


def test_mark_one_and_all_read(demo: Any) -> None:
    issue = report("垃圾未清运")
    jumin = demo.user("jumin")
    first, second, third = (_told(jumin, issue) for _ in range(3))
    client = login_client(jumin)
    assert client.post(reverse("notification-read"), {"id": first.pk}).status_code == 303
    assert svc.unread_count(jumin) == 2
    bad = client.post(reverse("notification-read"), {"id": "x"}, follow=True)
    assert "该通知不存在" in bad.content.decode() or "does not exist" in bad.content.decode()
    assert svc.unread_count(jumin) == 2
    client.post(reverse("notification-read"))
    assert svc.unread_count(jumin) == 0
    # Someone else's id marks nothing of theirs.
    other = _told(demo.user("jumin2"), issue)
    client.post(reverse("notification-read"), {"id": other.pk})
    other.refresh_from_db()
    assert other.read_at is None


def test_the_list_pages(demo: Any) -> None:
    issue = report("路灯不亮")
    jumin = demo.user("jumin")
    for _ in range(25):
        _told(jumin, issue)
    client = login_client(jumin)
    first = client.get(reverse("notification-list")).content.decode()
    assert first.count("data-notification=") == 20 and 'rel="next"' in first
    second = client.get(reverse("notification-list") + "?page=2").content.decode()
    assert second.count("data-notification=") == 5 and 'rel="prev"' in second


def test_preferences_save_only_changes_and_refuse_half_quiet_hours(demo: Any) -> None:
    wuye = demo.user("wuye")
    client = login_client(wuye)
    page = client.get(reverse("notification-preferences"))
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: "on" for name, f in form.fields.items() if f.initial is True}
    data["task__sms"] = "on"
    bad = client.post(reverse("notification-preferences"), {**data, "quiet_from": "22:00"})
    assert bad.status_code == 400
    assert not NotificationPreference.objects.filter(user=wuye).exists()
    ok = client.post(
        reverse("notification-preferences"), {**data, "quiet_from": "22:00", "quiet_until": "07:00"}
    )
    assert ok.status_code == 303
    assert list(
        NotificationPreference.objects.filter(user=wuye).values_list("kind", "channel", "enabled")
    ) == [("task", "sms", True)]
    assert svc.preferences_of(wuye).enabled("task", "sms")
    assert svc.settings_of(wuye).quiet_from is not None


def test_anonymous_is_sent_to_login(client: Any) -> None:
    for name in ("notification-list", "notification-bell", "notification-preferences"):
        assert client.get(reverse(name)).status_code == 302
    assert client.post(reverse("notification-read")).status_code == 302


def test_message_ids_are_translated_for_the_reader(demo: Any) -> None:
    issue = report("屋顶漏雨")
    jumin = demo.user("jumin")
    _told(jumin, issue, gettext_noop("Your report #%(id)s is now: %(issue_status)s."))
    client = login_client(jumin)
    zh = client.get(reverse("notification-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f"您反映的诉求 #{issue.pk}" in zh
    client.cookies["django_language"] = "en"
    en = client.get(reverse("notification-list")).content.decode()
    assert f"Your report #{issue.pk}" in en


def test_the_list_filters_by_kind_unread_and_search_and_refuses_bad_values(demo: Any) -> None:
    jumin = demo.user("jumin")
    lamp, glass = report("路灯不亮"), report("窗户玻璃破了")
    about_lamp = _told(jumin, lamp)
    about_glass = _told(jumin, glass)
    Notification.objects.filter(pk=about_glass.pk).update(read_at="2026-01-01T00:00Z")
    task = svc.notify(
        recipients=[jumin],
        kind=NotificationKind.TASK,
        msgid="Please rate how report #%(id)s was handled.",
        params={"id": lamp.pk},
        target=("issue", lamp.pk),
        url=reverse("issue-detail", args=[lamp.pk]),
    )[0]
    client = login_client(jumin)
    url = reverse("notification-list")

    def shown(query: str) -> set[int]:
        page = client.get(url + query)
        assert page.status_code == 200
        return {n.pk for n, _text in page.context["rows"]}

    assert shown("?unread=on") >= {about_lamp.pk, task.pk}
    assert about_glass.pk not in shown("?unread=on")
    assert shown("?kind=task") == {task.pk}
    assert shown(f"?q=%23{glass.pk}") == {about_glass.pk}  # the report's number, as typed
    refused = client.get(url + "?kind=nonsense")
    assert refused.status_code == 400
    assert "kind" in refused.context["list"].form.errors
