"""Query budgets of the notification pages: the bell, the list (paged), opening one, marking
read and the settings, with the person's notifications grown."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from deliberation.models import Issue, Notification, NotificationKind

from .budgets import Budget


def _jumins_issue() -> Issue:
    return Issue.objects.filter(reporter__username="jumin").order_by("pk").first()  # type: ignore[return-value]


def grow_notifications(demo: Any, n: int) -> None:
    issue, jumin = _jumins_issue(), demo.user("jumin")
    Notification.objects.bulk_create(
        Notification(
            recipient=jumin,
            kind=NotificationKind.ISSUE_STATUS,
            msgid="Your report #%(id)s is now: %(issue_status)s.",
            params={"id": issue.pk, "issue_status": issue.status},
            target_kind="issue",
            target_pk=issue.pk,
            url=reverse("issue-detail", args=[issue.pk]),
        )
        for _ in range(n)
    )


def _first_of_jumin(demo: Any) -> str:
    pk = Notification.objects.filter(recipient__username="jumin").order_by("pk").first().pk  # type: ignore[union-attr]
    return reverse("notification-open", args=[pk])


def _nothing(demo: Any, n: int) -> None:
    return None


PAGES: dict[str, list[Budget]] = {
    "notification-list": [
        Budget("jumin", lambda d: reverse("notification-list"), grow_notifications),
        Budget(
            "jumin",
            lambda d: reverse("notification-list") + "?unread=on&page=2",
            grow_notifications,
        ),
    ],
    "notification-bell": [
        Budget("jumin", lambda d: reverse("notification-bell"), grow_notifications),
    ],
    "notification-open": [
        Budget("jumin", _first_of_jumin, grow_notifications, statuses=(302,)),
    ],
    "notification-read": [
        Budget(
            "jumin",
            lambda d: reverse("notification-read"),
            grow_notifications,
            method="post",
            statuses=(303,),
        ),
    ],
    "notification-preferences": [
        Budget("jumin", lambda d: reverse("notification-preferences"), _nothing),
        Budget("wuye", lambda d: reverse("notification-preferences"), _nothing),
    ],
    # Binding one's WeChat: lists nothing (without an Official Account, back to settings)
    "account-wechat-bind": [
        Budget("jumin", lambda d: reverse("account-wechat-bind"), _nothing, statuses=(303,)),
    ],
    "account-wechat-callback": [
        Budget("jumin", lambda d: reverse("account-wechat-callback"), _nothing, statuses=(400,)),
    ],
    "account-wechat-unbind": [
        Budget(
            "jumin",
            lambda d: reverse("account-wechat-unbind"),
            _nothing,
            method="post",
            statuses=(303,),
        ),
    ],
}
