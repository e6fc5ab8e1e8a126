"""Page budgets of residents' accounts (read into ``budgets.PAGES`` at its end): the
committee's residents page and letters, a resident's homes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse

from deliberation.models import Building, LinkRequest, Residency, Unit, User

from .actions.accounts import grow_requests
from .budgets import Budget


def _url(name: str) -> Any:
    return lambda demo: reverse(name, args=[demo.tuanjie.pk])


def grow_residents(demo: Any, n: int) -> None:
    """People linked to units of 团结公寓 (the residents page lists them, paged)."""
    building, _ = Building.objects.get_or_create(compound=demo.tuanjie, name="预算楼")
    start = Unit.objects.filter(building=building).count()
    units = Unit.objects.bulk_create(
        Unit(building=building, number=f"R{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )
    users = User.objects.bulk_create(
        User(username=f"grow-resident-{start}-{i}", display_name=f"居民{i}") for i in range(n)
    )
    Residency.objects.bulk_create(
        Residency(user=u, unit=unit, relation="occupant")
        for u, unit in zip(users, units, strict=True)
    )


def grow_building(demo: Any, n: int) -> None:
    """Units of 团结公寓's first building (one letter each)."""
    building = Building.objects.filter(compound=demo.tuanjie).order_by("name").first()
    start = Unit.objects.filter(building=building).count()
    Unit.objects.bulk_create(
        Unit(building=building, number=f"L{start + i}", exclusive_area=Decimal("50"))
        for i in range(n)
    )


def grow_own_requests(demo: Any, n: int) -> None:
    """jumin's own link requests (answered ones pile up; the page shows the latest 20)."""
    jumin = demo.user("jumin")
    building = Building.objects.filter(compound=demo.tuanjie).first()
    link_requests = LinkRequest.objects.count()
    units = Unit.objects.bulk_create(
        Unit(
            building=building,
            number=f"H{link_requests}-{i}",
            exclusive_area=Decimal("50"),
        )
        for i in range(n)
    )
    LinkRequest.objects.bulk_create(
        LinkRequest(user=jumin, unit=u, relation="tenant", status="refused") for u in units
    )


PAGES: dict[str, list[Budget]] = {
    "residents-page": [
        Budget("juwei", _url("residents-page"), grow_requests),
        Budget("juwei", _url("residents-page"), grow_residents),
    ],
    "residents-letters": [Budget("juwei", _url("residents-letters"), grow_building)],
    "account-homes": [Budget("jumin", lambda d: reverse("account-homes"), grow_own_requests)],
}

NOT_PAGES: dict[str, str] = {
    "account-register": "a one-field form (the phone number), not a list",
    "account-register-verify": "a form (code, name, password), not a list",
    "account-reset": "a one-field form, not a list",
    "account-reset-verify": "a form (code, password), not a list",
    "password_reset_confirm": "Django's set-password form from an e-mailed link (no list)",
    "residents-import": "an upload form and its preview of one file, not a list",
    "residents-letters-pdf": "one PDF document of one building's letters (policy-checked)",
}
