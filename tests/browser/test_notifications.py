"""Notifications reach people who are not looking (issue 11 §2, "done when").

With no issue page open anywhere, a resident reports; once the committee dispatches it, the
firm's staff member sees the bell's count change on the page they have open, and gets an
SMS through the recording fake. The firm fixes it and the committee verifies; the resident,
on their home page and not on the issue page, gets "please rate" in the bell and by SMS,
opens it from the bell and rates.
"""

from __future__ import annotations

from typing import Any

import pytest

from deliberation.actions import action_of, kind_of, perform
from deliberation.models import Channel, Issue, Notification, NotificationKind, User, WorkOrder
from deliberation.outbound import recording
from deliberation.services import notifications as svc
from tests.intake.factories import report
from tests.support.axe import assert_accessible
from tests.support.browser import browser_login, eventually, in_own_thread
from workflows import intake
from workflows import work_orders as flow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LEAK = "3号楼地下室渗水"


def _act(username: str, kind: str, pk: int, name: str, data: dict[str, str] | None = None) -> Any:
    obj = kind_of(kind).load(pk)  # type: ignore[union-attr]
    action = action_of(kind, name)
    return perform(user=User.objects.get(username=username), obj=obj, action=action, data=data)


def _unread(page: Any) -> int:
    bell = page.locator("#notification-bell:not([hx-get])")
    bell.wait_for()
    return int(bell.get_attribute("data-unread") or 0)


def _sms_to(username: str) -> list[dict[str, Any]]:
    phone = User.objects.get(username=username).phone
    return [m for m in recording.sent("sms") if m["to"] == phone]


def test_staff_and_resident_hear_of_their_tasks_without_looking(
    browser: Any, live_server_asgi: Any
) -> None:
    server = live_server_asgi
    wuye = User.objects.get(username="wuye")
    # Staff read the app and a digest by default; this one asked for SMS for new tasks.
    svc.save_preferences(
        user=wuye,
        choices={(NotificationKind.TASK, Channel.SMS): True},
        quiet_from=None,
        quiet_until=None,
    )
    staff = browser_login(browser, server, "wuye")
    staff.goto(f"{server.url}/notifications/")  # a page of theirs without live topics
    staff.locator(".bell-live[data-socket=open]").wait_for()
    before = _unread(staff)

    # The resident reports (no page open on the issue); the committee dispatches it.
    issue: Issue = in_own_thread(lambda: report(LEAK))
    juwei = User.objects.get(username="juwei")
    order: WorkOrder = in_own_thread(
        lambda: intake.triage(
            Issue.objects.get(pk=issue.pk),
            "dispatch",
            actor=juwei,
            responsible=issue.compound.property_provider,  # type: ignore[union-attr]
        )
    )
    eventually(lambda: _check_more(staff, before), timeout=10)
    sms = eventually(lambda: _one_with(_sms_to("wuye"), LEAK), timeout=5)
    assert "新待办" in sms["body"]
    staff.reload()
    assert LEAK in staff.locator("ul.notifications").inner_text()

    # The resident keeps their home page open; the firm fixes it, the committee verifies.
    resident = browser_login(browser, server, "jumin", phone=True)
    resident.locator(".bell-live[data-socket=open]").wait_for()
    first = _unread(resident)
    in_own_thread(lambda: flow.perform(WorkOrder.objects.get(pk=order.pk), "accept", actor=wuye))
    in_own_thread(
        lambda: flow.perform(
            WorkOrder.objects.get(pk=order.pk), "complete", actor=wuye, text="已堵漏"
        )
    )
    in_own_thread(
        lambda: _act("juwei", "work_order", order.pk, "verify", {"verify-approved": "yes"})
    )
    eventually(lambda: _check_more(resident, first), timeout=10)
    rate_sms = eventually(lambda: _one_with(_sms_to("jumin"), "评价"), timeout=5)
    assert f"#{order.pk}" in rate_sms["body"] or LEAK in rate_sms["body"]
    assert resident.url == f"{server.url}/"  # all of it without a reload
    assert_accessible(resident, "resident's home with the bell counting")

    # From the bell to the list, to the notification, to the issue page: rate there.
    resident.locator("#notification-bell").click()
    resident.wait_for_url(f"{server.url}/notifications/")
    rate = Notification.objects.get(
        recipient__username="jumin", dedupe=f"task:work_order:{order.pk}:confirm"
    )
    resident.locator(f"li[data-notification='{rate.pk}'] a").first.click()
    resident.wait_for_url(f"{server.url}/issues/{issue.pk}/")
    form = resident.locator(f"#work_order-confirm-{order.pk}")
    form.locator("input[name=confirm-fixed][value=yes]").check()
    form.locator("input[name=confirm-rating][value=satisfied]").check()
    form.get_by_role("button").click()
    form.wait_for(state="detached")
    rate.refresh_from_db()
    assert rate.read_at is not None
    assert WorkOrder.objects.get(pk=order.pk).status != WorkOrder.Status.VERIFIED
    for page in (staff, resident):
        page.context.close()


def _check_more(page: Any, before: int) -> None:
    assert _unread(page) > before


def _one_with(messages: list[dict[str, Any]], text: str) -> dict[str, Any]:
    found = [m for m in messages if text in m["body"]]
    assert found, [m["body"] for m in messages]
    return found[-1]
