"""Matrix objects and surfaces of residents' accounts: a link request a newly registered
person sent for 团结公寓 2号楼 302, and the residents' committee's pages."""

from __future__ import annotations

from itertools import count
from typing import Any

from django.urls import reverse

_people = count(1)


def newcomer(phone: str | None = None) -> Any:
    """A person who registered with a phone number and is linked to no home."""
    from deliberation.models import User

    n = next(_people)
    phone = phone or f"139{n:08d}"
    return User.objects.create_user(phone, phone=phone, display_name=f"新住户{n}")


def link_request(demo: Any) -> Any:
    """Pending: a newcomer asks to be linked to 团结公寓 2号楼 302 as a tenant."""
    from deliberation.models import LinkRequest, Unit

    unit = Unit.objects.get(
        building__compound__name="团结公寓", building__name="2号楼", number="302"
    )
    return LinkRequest.objects.create(user=newcomer(), unit=unit, relation="tenant")


def answered_link_request(demo: Any) -> Any:
    from deliberation.models import LinkRequest

    link = link_request(demo)
    LinkRequest.objects.filter(pk=link.pk).update(status=LinkRequest.Status.REFUSED)
    link.refresh_from_db()
    return link


def residents_url(name: str) -> Any:
    return lambda compound: reverse(name, args=[compound.pk])
