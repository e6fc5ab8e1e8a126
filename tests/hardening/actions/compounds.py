"""Matrix rows of the compound's own steps: posting a notice to its residents
(``deliberation/actions/announcements.py``) and confirming an owner register import
(``register.py``). The compound's meetings, petitions and elections are in
``committees.py``, convening a session in ``sessions.py``."""

from __future__ import annotations

from typing import Any

from deliberation.models import Announcement, Building, Compound, Organization, Unit

from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

#: the organizations serving 团结公寓 / 轻工宿舍; the subdistrict office posts anywhere (not
#: the supervision group: it watches the parties); never residents
TUANJIE_SERVERS = allowed_roles(
    "party_committee", "residents_committee", "property_firm", "owners_committee"
)
QINGGONG_SERVERS = allowed_roles(
    "party_committee_other", "residents_committee_other", "rights_unit_self_managed"
)
OFFICE = allowed_roles("subdistrict_office")


def tuanjie(demo: Any) -> Compound:
    return demo.tuanjie


def qinggong(demo: Any) -> Compound:
    return demo.qinggong


def _notice(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    """A notice posted as one of the sender's organizations (anyone else: the firm)."""
    from deliberation.selectors.places import organizations_posting_for

    orgs = list(organizations_posting_for(user, compound)) if user.is_authenticated else []
    org = orgs[0].pk if orgs else Organization.objects.filter(kind="property_firm").first()
    return {
        "announce-organization": getattr(org, "pk", org),
        "announce-title": "matrix: 停水通知",
        "announce-body": "明日上午停水。",
    }


def _posted(compound: Any) -> bool:
    return Announcement.objects.filter(compound_id=compound.pk, title="matrix: 停水通知").exists()


def _unit(compound: Any) -> Unit:
    building = Building.objects.filter(compound=compound).order_by("pk").first()
    unit = Unit.objects.filter(building=building).order_by("pk").first()
    assert unit is not None
    return unit


def _rows(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
    """The previewed rows (one unit's area, one square metre more), signed for the sender."""
    from deliberation.forms import sign_register_rows
    from deliberation.services.owner_register import parse_register

    unit = _unit(compound)
    line = f"{unit.building.name},{unit.number},{unit.exclusive_area + 1:.2f},survey,\n"
    rows = parse_register(compound, "r.csv", line.encode())
    return {"import_register-rows": sign_register_rows(compound, user, [r.as_dict() for r in rows])}


ROWS: list[Row] = [
    Row(
        "compound.announce",
        TUANJIE_SERVERS | OFFICE,
        scenario="团结公寓",
        available=tuanjie,
        unavailable=None,
        always="a compound's residents may always be sent another notice",
        data=_notice,
        done=_posted,
    ),
    Row(
        "compound.announce",
        QINGGONG_SERVERS | OFFICE,
        scenario="轻工宿舍",
        available=qinggong,
        unavailable=None,
        always="a compound's residents may always be sent another notice",
        data=_notice,
        done=_posted,
    ),
    Row(
        "compound.import_register",
        allowed_roles("residents_committee", "owners_committee") | SUBDISTRICT,
        available=tuanjie,
        unavailable=None,
        always="a register may always be imported again (after a preview)",
        data=_rows,
        done=lambda c: True,  # the unit's area written: the writes are the evidence
    ),
]

BUDGETS: dict[str, KindBudget] = {}
