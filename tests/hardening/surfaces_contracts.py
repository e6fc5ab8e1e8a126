"""Surfaces of the contract register and the change of firm (docs/law.md §12): the register
page, and the steps drawn on it only for those who may take them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import Handover, Organization, ServiceContract, User


def register_page(obj: Any) -> str:
    compound_id = getattr(obj, "compound_id", None) or obj.pk
    return reverse("compound-contracts", args=[compound_id])


def contract(demo: Any) -> ServiceContract:
    today = timezone.localdate()
    return ServiceContract.objects.create(
        compound=demo.tuanjie,
        firm_id=demo.tuanjie.property_provider_id,
        starts_on=today - timedelta(days=600),
        ends_on=today + timedelta(days=120),
        fee_standards="matrix",
        service_level="matrix",
        registered_by=User.objects.get(username="yeweihui"),
    )


def handover(demo: Any) -> Handover:
    """团结公寓 changing from 京朝物业 to 湖畔物业, the notice sent, nothing handed over yet."""
    return Handover.objects.create(
        compound=demo.tuanjie,
        old_firm_id=demo.tuanjie.property_provider_id,
        new_firm=Organization.objects.get(name="湖畔物业管理有限公司（示例）"),
        reason=Handover.Reason.DISMISSAL,
        status=Handover.Status.HANDING_OVER,
        notice_sent_at=timezone.now(),
        takeover_on=timezone.localdate() + timedelta(days=60),
        started_by=User.objects.get(username="yeweihui"),
    )


def _shown(marker: str) -> Any:
    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        response = client.get(register_page(obj))
        if response.status_code != 200:
            return
        assert (f'id="{marker}-{obj.pk}"' in response.content.decode()) is allowed, role

    check.__name__ = f"shown_{marker}"
    return check


register_shown = _shown("contract_register-register")
give_notice_shown = _shown("contract-give_notice")
dismiss_shown = _shown("contract-dismiss")
tick_shown = _shown("handover-tick")
