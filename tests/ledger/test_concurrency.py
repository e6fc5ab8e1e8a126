"""Concurrency on PostgreSQL for the public-revenue ledger: two approvals of one entry end
in one approval and a 409; one entry form sent twice at once makes one entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation.models import LedgerEntry, Membership, User
from deliberation.services import ledger as svc
from tests.concurrency import run_together
from tests.support.clients import login_client

pytestmark = pytest.mark.django_db(transaction=True)
E = LedgerEntry


def test_two_committee_members_approve_one_entry_at_once(tdemo) -> None:
    compound = tdemo.tuanjie
    entry, _ = svc.record_entry(
        actor=tdemo.user("wuye"),
        compound=compound,
        organization=compound.property_provider,
        spec=svc.EntrySpec("income", "parking", Decimal("300.00"), timezone.localdate(), "并发"),
    )
    second = User.objects.create_user("yeweihui-b")
    Membership.objects.create(user=second, organization=compound.owners_committee, role="member")
    clients = [login_client(tdemo.user("yeweihui")), login_client(second)]
    url = reverse("action", args=["ledger_entry", entry.pk, "approve"])
    results = run_together([lambda c=c: c.post(url).status_code for c in clients])
    assert sorted(results) == [302, 409], results
    entry.refresh_from_db()
    assert entry.status == E.Status.APPROVED


def test_one_entry_form_sent_twice_at_once_makes_one_entry(tdemo) -> None:
    compound = tdemo.tuanjie
    client = login_client(tdemo.user("wuye"))
    data = {
        "record-organization": compound.property_provider_id,
        "record-direction": "income",
        "record-category": "advertising",
        "record-amount": "800.00",
        "record-occurred_on": timezone.localdate().isoformat(),
        "record-description": "双击的广告费",
        "record-key": "double-click",
    }
    url = reverse("action", args=["ledger", compound.pk, "record"])
    other = login_client(tdemo.user("wuye"))
    results = run_together([lambda c=c: c.post(url, data).status_code for c in (client, other)])
    assert results == [302, 302], results
    assert E.objects.filter(description="双击的广告费").count() == 1
