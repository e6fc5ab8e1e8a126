"""Matrix rows and budgets of residents' accounts (``deliberation/actions/accounts.py``):
link requests decided by the residents' committee; creating and importing residents."""

from __future__ import annotations

from itertools import count
from typing import Any

from deliberation.models import LinkRequest, Residency, Unit, User

from ..surfaces_accounts import answered_link_request, link_request, newcomer
from . import KindBudget, Row, allowed_roles

COMMITTEE = allowed_roles("residents_committee")
_phones = count(1)


def _status(link: Any) -> str:
    return str(LinkRequest.objects.values_list("status", flat=True).get(pk=link.pk))


def _tuanjie(demo: Any) -> Any:
    return demo.tuanjie


def _new_resident(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    return {
        "create_resident-name": "王阿姨",
        "create_resident-phone": f"137{next(_phones):08d}",
        "create_resident-building": "2号楼",
        "create_resident-number": "302",
        "create_resident-relation": "occupant",
    }


def _imported_rows(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    from deliberation.account_forms import sign_resident_rows
    from deliberation.services.resident_import import parse_residents

    line = f"李大爷,136{next(_phones):08d},2号楼,302,住户\n"
    rows = parse_residents(compound, "r.csv", line.encode())
    signed = sign_resident_rows(compound, user, [r.as_dict() for r in rows])
    return {"import_residents-rows": signed}


def _someone_joined(compound: Any) -> bool:
    return Residency.objects.filter(
        unit__building__compound=compound, user__display_name__in=["王阿姨", "李大爷"]
    ).exists()


def _verified(demo: Any) -> Any:
    from .work_orders import verified

    return verified(demo)


def _completed(demo: Any) -> Any:
    from .work_orders import completed

    return completed(demo)


def _closed(order: Any) -> bool:
    from deliberation.models import WorkOrder

    return WorkOrder.objects.get(pk=order.pk).status == WorkOrder.Status.CLOSED


ROWS: list[Row] = [
    Row(
        "work_order.rate_for_reporter",
        allowed_roles("residents_committee", "party_committee"),
        available=_verified,
        unavailable=_completed,
        data=lambda demo, o, user: {
            "rate_for_reporter-fixed": "yes",
            "rate_for_reporter-rating": "satisfied",
            "rate_for_reporter-comment": "电话回访",
        },
        done=_closed,
    ),
    Row(
        "link_request.approve",
        COMMITTEE,
        available=link_request,
        unavailable=answered_link_request,
        done=lambda link: _status(link) == LinkRequest.Status.APPROVED,
    ),
    Row(
        "link_request.refuse",
        COMMITTEE,
        available=link_request,
        unavailable=answered_link_request,
        data=lambda demo, link, user: {"refuse-reason": "查无此人"},
        done=lambda link: _status(link) == LinkRequest.Status.REFUSED,
    ),
    Row(
        "link_request.withdraw",
        allowed_roles(),
        available=link_request,
        unavailable=answered_link_request,
    ),
    Row(
        "compound.create_resident",
        COMMITTEE,
        available=_tuanjie,
        unavailable=None,
        always="a residents' committee may always create another account",
        data=_new_resident,
        done=_someone_joined,
    ),
    Row(
        "compound.import_residents",
        COMMITTEE,
        available=_tuanjie,
        unavailable=None,
        always="residents may always be imported again (after a preview)",
        data=_imported_rows,
        done=_someone_joined,
    ),
]


def _unit() -> Unit:
    return Unit.objects.get(
        building__compound__name="团结公寓", building__name="2号楼", number="302"
    )


def grow_requests(demo: Any, n: int) -> None:
    """Other people's requests for the same unit (what a request's controls might read)."""
    unit = _unit()
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"grow-link-{start}-{i}", display_name=f"住户{i}") for i in range(n)
    )
    LinkRequest.objects.bulk_create(
        LinkRequest(user=u, unit=unit, relation="tenant") for u in users
    )


BUDGETS: dict[str, KindBudget] = {
    "link_request": KindBudget(link_request, grow_requests, grow_requests),
}

__all__ = ["newcomer"]
