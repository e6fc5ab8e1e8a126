"""Matrix rows of the committee bodies (``deliberation/actions/committee_bodies.py``): the
application for a first owners' committee and the preparatory group in 轻工宿舍 (no
committee), the 物管会 of 中路北六条, guidance and dissolution of a group in 团结湖北里直管公房."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from deliberation.models import CommitteeBody, Compound, Organization

from .. import surfaces_votes as sv
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

B = CommitteeBody.Kind


def qinggong(demo: Any) -> Compound:
    return Compound.objects.get(name="轻工宿舍")


def zhonglu(demo: Any) -> Compound:
    return Compound.objects.get(name="中路北六条")


def _group(demo: Any, compound: Compound, *, formed: bool, dissolved: bool = False) -> Any:
    today = timezone.localdate()
    org, _ = Organization.objects.get_or_create(
        name=f"{compound.name}业主委员会",
        defaults={
            "kind": Organization.Kind.OWNERS_COMMITTEE,
            "subdistrict": compound.community.subdistrict,
        },
    )
    return CommitteeBody.objects.create(
        kind=B.PREPARATORY_GROUP,
        compound=compound,
        organization=org,
        applied_on=today - timedelta(days=3),
        form_by=today + timedelta(days=27),
        formed_on=today if formed else None,
        first_meeting_by=today + timedelta(days=60) if formed else None,
        dissolved_on=today if dissolved else None,
    )


def applying(demo: Any) -> Any:
    return _group(demo, qinggong(demo), formed=False)


def formed_in_qinggong(demo: Any) -> Any:
    return _group(demo, qinggong(demo), formed=True)


def _beili(demo: Any) -> Compound:
    return Compound.objects.get(name="团结湖北里直管公房")


def sitting(demo: Any) -> Any:
    return _group(demo, _beili(demo), formed=True)


def dissolved(demo: Any) -> Any:
    return _group(demo, _beili(demo), formed=True, dissolved=True)


def _seats(demo: Any, compound: Compound) -> list[tuple[Any, str]]:
    return [(o, "owner") for o in sv.owners_of(compound, 4)] + [
        (demo.user("juwei2" if compound.name != "中路北六条" else "juwei"), "residents_committee"),
        (demo.user("shuji2" if compound.name != "中路北六条" else "shuji"), "party"),
        (demo.user("jiedao"), "subdistrict"),
    ]


def _rows(prefix: str, seats: list[tuple[Any, str]], chair: Any) -> dict[str, Any]:
    data: dict[str, Any] = {f"{prefix}-chair": chair.pk}
    for i, (person, seat) in enumerate(seats, 1):
        data[f"{prefix}-person_{i}"] = person.pk
        data[f"{prefix}-seat_{i}"] = seat
    return data


def _pm_data(demo: Any, c: Any, user: Any) -> dict[str, Any]:
    today = timezone.localdate()
    seats = _seats(demo, c)
    return _rows("form_pm_committee", seats, seats[4][0]) | {
        "form_pm_committee-term_start": today.isoformat(),
        "form_pm_committee-term_end": (today + timedelta(days=700)).isoformat(),
    }


def _group_data(demo: Any, b: Any, user: Any) -> dict[str, Any]:
    seats = _seats(demo, b.compound)
    return _rows("form_group", seats, seats[4][0])


def _guidance_data(demo: Any, b: Any, user: Any) -> dict[str, Any]:
    source = "party" if user.username == "shuji2" else "residents_committee"
    return {"guidance-source": source, "guidance-text": "matrix: 指导意见"}


def _guided(b: Any) -> bool:
    b = CommitteeBody.objects.get(pk=b.pk)
    return "matrix" in b.party_guidance + b.residents_guidance


ROWS: list[Row] = [
    Row(
        "compound.receive_application",
        SUBDISTRICT,
        available=qinggong,
        unavailable=lambda demo: demo.tuanjie,
        isolated=True,
        done=lambda c: CommitteeBody.objects.filter(
            compound_id=c.pk, kind=B.PREPARATORY_GROUP
        ).exists(),
    ),
    Row(
        "compound.form_pm_committee",
        SUBDISTRICT,
        available=zhonglu,
        unavailable=lambda demo: demo.tuanjie,
        isolated=True,
        data=_pm_data,
        done=lambda c: CommitteeBody.objects.filter(compound_id=c.pk, kind=B.PM_COMMITTEE).exists(),
    ),
    Row(
        "committee_body.form_group",
        SUBDISTRICT,
        available=applying,
        unavailable=formed_in_qinggong,
        isolated=True,
        data=_group_data,
        done=lambda b: CommitteeBody.objects.get(pk=b.pk).formed_on is not None,
    ),
    Row(
        "committee_body.guidance",
        allowed_roles("party_committee_other", "residents_committee_other"),
        available=sitting,
        unavailable=dissolved,
        data=_guidance_data,
        done=_guided,
    ),
    Row(
        "committee_body.dissolve",
        SUBDISTRICT,
        available=sitting,
        unavailable=dissolved,
        done=lambda b: CommitteeBody.objects.get(pk=b.pk).dissolved_on is not None,
    ),
]

BUDGETS: dict[str, KindBudget] = {}
