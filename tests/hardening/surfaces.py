"""The roles of the permission matrix and the surfaces shared by its rows: a page GET, a real
service call, the notice form. Area-specific surfaces live in ``surfaces_<area>.py``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from deliberation import policy
from deliberation.models import User

#: role → demo account (None: anonymous). The five parties, the subdistrict, residents.
ROLES: dict[str, str | None] = {
    "party_committee": "shuji",  # 中路 community Party committee (serves 团结公寓)
    "party_committee_other": "shuji2",  # 北里 community Party committee
    "residents_committee": "juwei",  # 中路 residents' committee
    "residents_committee_other": "juwei2",  # 北里 residents' committee
    "property_firm": "wuye",  # 京朝物业, the firm of 团结公寓
    "rights_unit_public_housing": "fangguan",  # district housing office, 水碓子东里
    "rights_unit_self_managed": "chanquan",  # property-rights unit of 轻工宿舍
    "owners_committee": "yeweihui",  # 团结公寓 owners' committee (also an owner there)
    "property_management_committee": "wuguanhui",  # 中路北六条 PMC
    "subdistrict_office": "jiedao",
    "supervision_group": "dudao",
    "resident": "jumin",  # owner in 团结公寓
    "resident_other_compound": "jumin2",  # occupant in 轻工宿舍
    "anonymous": None,
}
SUBDISTRICT = frozenset({"subdistrict_office", "supervision_group"})


def allow(*roles: str) -> frozenset[str]:
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(roles)


# --- surfaces: the real views and endpoints that must agree with the rule --------------------

Surface = Callable[[Any, str, Client, Any, bool], None]  # (demo, role, client, obj, allowed)


def denied_status(role: str, about: Any = None) -> tuple[int, ...]:
    """How a refusal must read: anonymous → the login redirect; a role that may not know
    ``about`` exists (an issue, order, vote, session or import: ``policy.EXISTENCE_RULES``)
    → 404, exactly what a missing id gets; anyone else → 403. Who may know of each object is
    pinned role by role in the ``*.view`` / ``session.follow`` / ``hotline.view_import``
    rows, so the policy answer used here is itself checked by the matrix."""
    if role == "anonymous":
        return (302,)
    if about is not None and type(about).__name__ in policy.EXISTENCE_RULES:
        user = User.objects.get(username=ROLES[role])
        if not policy.may_know_of(user, about):
            return (404,)
    return (403,)


def page(url: Callable[[Any], str]) -> Surface:
    """GET the page: 200 when allowed, 403 or 404 when not (``denied_status``)."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        response = client.get(url(obj))
        expected = (200,) if allowed else denied_status(role, obj)
        assert response.status_code in expected, (role, url(obj), response.status_code)

    return check


def announce_form_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The posting form appears on the compound page only for those who may post."""
    response = client.get(reverse("compound-detail", args=[obj.pk]))
    if response.status_code != 200:
        return  # may not even see the page (covered by compound.view)
    marker = f'id="compound-announce-{obj.pk}"'
    assert (marker in response.content.decode()) is allowed, role


class _Rollback(Exception):
    pass


def service(call: Callable[[Any, Any], Any]) -> Surface:
    """Call the real service as the role (in a savepoint that is rolled back): allowed roles
    get through, the others get PermissionDenied from the service itself."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        user = demo.user(ROLES[role]) if ROLES[role] else AnonymousUser()
        try:
            with transaction.atomic():
                call(user, obj)
                raise _Rollback
        except PermissionDenied:
            assert not allowed, f"{role} refused by {call.__name__}"
        except _Rollback:
            assert allowed, f"{role} ALLOWED by {call.__name__}"

    check.__name__ = f"service {call.__name__}"
    return check
