"""Socket revocation rows of the permission matrix (issue 16, part 1).

``TOPIC_MATRIX`` says who may *open* a socket on a topic; these rows say what takes that
right away while the socket is open. Each row: a role with a socket on a topic it may
receive, one change (made the way users and admins make it, or behind the signals' back
with ``QuerySet.update`` / plain expiry), and the close code the socket must get. After the
close, neither a push nor a ``resume`` may deliver anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.live.consumer import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED
from deliberation.models import Membership, Organization, Residency, User

from .surfaces import ROLES

Revoke = Callable[[Any, str, Client], None]  # (demo, role, client)


@dataclass(frozen=True)
class RevocationRow:
    name: str
    role: str
    topic: Callable[[Any], str]
    revoke: Revoke
    code: int
    #: caught by the periodic re-check (no signal), not at once
    periodic: bool = False


def _user(demo: Any, role: str) -> User:
    username = ROLES[role]
    assert username, role
    return demo.user(username)


def log_out(demo: Any, role: str, client: Client) -> None:
    assert client.post(reverse("logout")).status_code == 302


def delete_session(demo: Any, role: str, client: Client) -> None:
    """What an admin (or ``clearsessions``) does to a session row."""
    Session.objects.filter(session_key=client.cookies["sessionid"].value).delete()


def expire_session(demo: Any, role: str, client: Client) -> None:
    """A session running out: no signal at all."""
    past = timezone.now() - timedelta(seconds=1)
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(expire_date=past)


def deactivate(demo: Any, role: str, client: Client) -> None:
    user = _user(demo, role)
    user.is_active = False
    user.save()


def deactivate_in_bulk(demo: Any, role: str, client: Client) -> None:
    """Like the admin's bulk actions: ``QuerySet.update`` sends no signal."""
    User.objects.filter(pk=_user(demo, role).pk).update(is_active=False)


def remove_memberships(demo: Any, role: str, client: Client) -> None:
    for membership in Membership.objects.filter(user=_user(demo, role)):
        membership.delete()


def deactivate_memberships_in_bulk(demo: Any, role: str, client: Client) -> None:
    Membership.objects.filter(user=_user(demo, role)).update(active=False)


def move_out(demo: Any, role: str, client: Client) -> None:
    for residency in Residency.objects.filter(user=_user(demo, role)):
        residency.delete()


def _org_inbox(name: str) -> Callable[[Any], str]:
    return lambda demo: f"org:{Organization.objects.get(name=name).pk}:inbox"


def _tuanjie(demo: Any) -> str:
    return f"compound:{demo.tuanjie.pk}:public"


def _qinggong(demo: Any) -> str:
    return f"compound:{demo.qinggong.pk}:public"


#: One role per row, so that the rows can run against one demo world.
REVOCATION_MATRIX: list[RevocationRow] = [
    RevocationRow("resident logs out", "resident", _tuanjie, log_out, CLOSE_UNAUTHENTICATED),
    RevocationRow(
        "admin deletes the Party secretary's session",
        "party_committee",
        _tuanjie,
        delete_session,
        CLOSE_UNAUTHENTICATED,
    ),
    RevocationRow(
        "北里 residents' committee session expires",
        "residents_committee_other",
        _org_inbox("团结湖北里社区居委会"),
        expire_session,
        CLOSE_UNAUTHENTICATED,
        periodic=True,
    ),
    RevocationRow(
        "supervision group member deactivated",
        "supervision_group",
        _tuanjie,
        deactivate,
        CLOSE_UNAUTHENTICATED,
    ),
    RevocationRow(
        "subdistrict officer deactivated in bulk",
        "subdistrict_office",
        _qinggong,
        deactivate_in_bulk,
        CLOSE_UNAUTHENTICATED,
        periodic=True,
    ),
    RevocationRow(
        "firm staff's membership removed",
        "property_firm",
        lambda demo: f"org:{demo.tuanjie.property_provider_id}:inbox",
        remove_memberships,
        CLOSE_FORBIDDEN,
    ),
    RevocationRow(
        "owners' committee membership removed",
        "owners_committee",
        lambda demo: f"org:{demo.tuanjie.owners_committee_id}:inbox",
        remove_memberships,
        CLOSE_FORBIDDEN,
    ),
    RevocationRow(
        "中路 residents' committee memberships deactivated in bulk",
        "residents_committee",
        _org_inbox("团结湖中路社区居委会"),
        deactivate_memberships_in_bulk,
        CLOSE_FORBIDDEN,
        periodic=True,
    ),
    RevocationRow(
        "轻工宿舍 occupant moves out",
        "resident_other_compound",
        _qinggong,
        move_out,
        CLOSE_FORBIDDEN,
    ),
]
