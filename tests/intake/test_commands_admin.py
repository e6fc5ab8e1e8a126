"""The sweep as a command and as a periodic job; the SLA table in the admin."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from deliberation.models import Escalation, SlaPolicy, WorkOrder
from deliberation.periodic import JOBS
from tests.intake.factories import dispatched, user
from tests.support.clients import login_client


def test_sweep_command_and_periodic_job(demo) -> None:
    _issue, order = dispatched()
    WorkOrder.objects.filter(pk=order.pk).update(
        respond_by=order.respond_by - timedelta(days=2), resolve_by=order.resolve_by
    )
    assert "sweep_deadlines" in JOBS
    out = StringIO()
    call_command("sweep_deadlines", stdout=out)
    assert "escalations opened: " in out.getvalue()
    assert Escalation.objects.filter(work_order=order).count() == 1
    assert JOBS["sweep_deadlines"]() == 0  # nothing new


def test_sla_policies_are_editable_in_the_admin(demo) -> None:
    admin = login_client(user("admin"))
    assert admin.get(reverse("admin:deliberation_slapolicy_changelist")).status_code == 200
    policy, _ = SlaPolicy.objects.get_or_create(  # the migration's row, unless flushed
        category=None,
        urgency="ordinary",
        defaults={"respond_within": timedelta(hours=24), "resolve_within": timedelta(days=7)},
    )
    url = reverse("admin:deliberation_slapolicy_change", args=[policy.pk])
    assert admin.get(url).status_code == 200
    response = admin.post(
        url,
        {"category": "", "urgency": "ordinary", "respond_within": "12:00:00",
         "resolve_within": "5 00:00:00"},
    )  # fmt: skip
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.respond_within == timedelta(hours=12)
    assert admin.get(reverse("admin:deliberation_issue_changelist")).status_code == 200
    assert admin.get(reverse("admin:deliberation_workorder_changelist")).status_code == 200
