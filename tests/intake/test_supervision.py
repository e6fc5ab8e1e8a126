"""Supervision (督办): the overdue list keeps an order until it is done and shows each
follow-up; every missed deadline escalates, through the periodic sweep; a history of
escalations with filters."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Escalation, Event, Organization, WorkOrder
from deliberation.periodic import JOBS
from tests.intake.factories import dispatched, user
from tests.support.clients import login_client
from workflows.work_orders import perform

pytestmark = pytest.mark.django_db
R = Escalation.Reason


def _only(order: WorkOrder) -> None:
    WorkOrder.objects.exclude(pk=order.pk).delete()  # the demo's own orders


def _pass(order: WorkOrder, field: str) -> None:
    """Move one deadline (and the later one, to keep resolve-by ≥ respond-by) into the past."""
    now = timezone.now()
    if field == "respond_by":
        WorkOrder.objects.filter(pk=order.pk).update(
            respond_by=now - timedelta(hours=2), resolve_by=now + timedelta(days=3)
        )
    else:
        WorkOrder.objects.filter(pk=order.pk).update(resolve_by=now - timedelta(minutes=5))
        WorkOrder.objects.filter(pk=order.pk, respond_by__gt=now).update(
            respond_by=now - timedelta(hours=1)
        )
    order.refresh_from_db()


def _follow_up(order: WorkOrder, note: str) -> None:
    esc = Escalation.objects.get(work_order=order, status=Escalation.Status.OPEN)
    response = login_client(user("dudao")).post(
        reverse("action", args=["escalation", esc.pk, "handle"]), {"esc-note": note}
    )
    assert response.status_code == 302


def _overdue_list(group: Organization) -> str:
    page = login_client(user("dudao")).get(reverse("inbox") + f"?org={group.pk}")
    assert page.status_code == 200
    found = re.search(rf'<div id="overdue-{group.pk}".*?</div>', page.content.decode(), re.S)
    assert found
    return found.group(0)


def test_every_missed_deadline_escalates_through_the_periodic_sweep(demo) -> None:
    _issue, order = dispatched()
    _only(order)
    sweep = JOBS["sweep_deadlines"]
    _pass(order, "respond_by")
    assert sweep() == 1
    _follow_up(order, "已电话督促物业接单")
    # Still not accepted, and now the resolve-by passes too: escalated again.
    _pass(order, "resolve_by")
    assert sweep() == 1
    assert sweep() == 0  # once per missed deadline
    reasons = list(Escalation.objects.filter(work_order=order).values_list("reason", flat=True))
    assert sorted(reasons) == sorted([R.RESPOND_BY, R.RESOLVE_BY])
    # An extension granted and missed again escalates a third time.
    new_due = timezone.now() + timedelta(days=1)
    WorkOrder.objects.filter(pk=order.pk).update(resolve_by=new_due, is_overdue=False)
    order.refresh_from_db()
    perform(order, "accept", actor=user("wuye"))
    _pass(order, "resolve_by")
    assert sweep() == 1
    assert Escalation.objects.filter(work_order=order, reason=R.RESOLVE_BY).count() == 2


def test_the_overdue_list_keeps_the_order_until_done_with_each_follow_up(demo) -> None:
    _issue, order = dispatched()
    _only(order)
    group = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    _pass(order, "respond_by")
    JOBS["sweep_deadlines"]()
    assert f'id="overdue-order-{order.pk}"' in _overdue_list(group)
    _follow_up(order, "已电话督促物业接单")
    listed = _overdue_list(group)
    assert f'id="overdue-order-{order.pk}"' in listed  # a follow-up does not make it done
    assert "已电话督促物业接单" in listed
    _pass(order, "resolve_by")
    JOBS["sweep_deadlines"]()
    _follow_up(order, "约谈物业经理")
    listed = _overdue_list(group)
    assert "已电话督促物业接单" in listed and "约谈物业经理" in listed
    assert listed.count('id="overdue-row-') == 2
    # The party finally does the work: the order leaves the list, live too.
    perform(order, "accept", actor=user("wuye"))
    perform(order, "complete", actor=user("wuye"), text="已修好", photos=[])
    assert f'id="overdue-order-{order.pk}"' not in _overdue_list(group)
    pushed = (
        Event.objects.filter(topic=f"org:{group.pk}:inbox", kind="overdue.changed")
        .order_by("-id")
        .first()
    )
    assert pushed is not None and f'id="overdue-{group.pk}"' in str(pushed.html)
    assert f"overdue-order-{order.pk}" not in str(pushed.html)


def test_escalation_history_filters_by_status_and_reason(demo) -> None:
    _issue, order = dispatched()
    _only(order)
    _pass(order, "respond_by")
    JOBS["sweep_deadlines"]()
    _follow_up(order, "已电话督促")
    _pass(order, "resolve_by")
    JOBS["sweep_deadlines"]()
    handled = Escalation.objects.get(reason=R.RESPOND_BY)
    waiting = Escalation.objects.get(reason=R.RESOLVE_BY)
    client = login_client(user("dudao"))
    url = reverse("escalation-history")
    page = client.get(url).content.decode()
    assert f'id="escalation-{handled.pk}"' in page and f'id="escalation-{waiting.pk}"' in page
    assert "已电话督促" in page
    page = client.get(url, {"status": "handled"}).content.decode()
    assert f'id="escalation-{handled.pk}"' in page and f'id="escalation-{waiting.pk}"' not in page
    page = client.get(url, {"reason": "resolve_by"}).content.decode()
    assert f'id="escalation-{handled.pk}"' not in page and f'id="escalation-{waiting.pk}"' in page
    bad = client.get(url, {"status": "<b>x</b>"})
    assert bad.status_code == 400 and "<b>x</b>" not in bad.content.decode()
    assert login_client(user("wuye")).get(url).status_code == 403
