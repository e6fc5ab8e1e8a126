"""The demo Tuanjiehu subdistrict, modelled on the subdistrict's own account.

Everything here is illustrative (示例): the organizations, people, phone numbers and floor
areas are invented. Seeding is idempotent: every row is found by a natural key first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from deliberation.demo.channels import seed_channels
from deliberation.demo.directory import seed_directory
from deliberation.demo.evaluations import seed_evaluations
from deliberation.demo.indicators import seed_indicators
from deliberation.demo.intake import seed_intake
from deliberation.demo.ledger import seed_ledger
from deliberation.demo.rates import seed_rates
from deliberation.demo.sessions import seed_sessions
from deliberation.demo.votes import seed_votes
from deliberation.models import (
    Building,
    Community,
    Compound,
    Membership,
    Organization,
    Ownership,
    Residency,
    Subdistrict,
    Unit,
    User,
)
from deliberation.services import notifications

DEMO_PASSWORD = "yishi-demo-2026"  # noqa: S105  (documented demo credential)
K = Organization.Kind
R = Membership.Role
C = Compound.Category
M = Compound.ManagementMode

SUBDISTRICT = "团结湖街道（示例）"

COMMUNITIES = ["团结湖北里社区", "团结湖中路社区", "水碓子社区"]

# (name, kind, community or None, in alliance)
ORGANIZATIONS: list[tuple[str, str, str | None, bool]] = [
    ("团结湖街道工委", K.SUBDISTRICT_PARTY_COMMITTEE, None, False),
    ("团结湖街道办事处城市管理科", K.SUBDISTRICT_OFFICE, None, False),
    ("团结湖街道监督小组", K.SUPERVISION_GROUP, None, False),
    ("团结湖北里社区党委", K.PARTY_COMMITTEE, "团结湖北里社区", False),
    ("团结湖北里社区居委会", K.RESIDENTS_COMMITTEE, "团结湖北里社区", False),
    ("团结湖中路社区党委", K.PARTY_COMMITTEE, "团结湖中路社区", False),
    ("团结湖中路社区居委会", K.RESIDENTS_COMMITTEE, "团结湖中路社区", False),
    ("水碓子社区党委", K.PARTY_COMMITTEE, "水碓子社区", False),
    ("水碓子社区居委会", K.RESIDENTS_COMMITTEE, "水碓子社区", False),
    ("京朝物业服务有限公司（示例）", K.PROPERTY_FIRM, None, True),
    ("湖畔物业管理有限公司（示例）", K.PROPERTY_FIRM, None, True),
    ("安居物业服务有限公司（示例）", K.PROPERTY_FIRM, None, True),
    ("朝阳区房管局第十二管理所", K.PROPERTY_RIGHTS_UNIT, None, False),
    ("轻工业部机关服务中心（示例产权单位）", K.PROPERTY_RIGHTS_UNIT, None, False),
    ("团结公寓业主委员会", K.OWNERS_COMMITTEE, None, False),
    ("中路北六条物业管理委员会", K.PROPERTY_MANAGEMENT_COMMITTEE, None, False),
    ("团结公寓开发商（示例）", K.DEVELOPER, None, False),
]


@dataclass(frozen=True)
class CompoundSpec:
    name: str
    community: str
    category: str
    mode: str
    provider: str | None
    committee: str | None
    built: tuple[int, int]
    buildings: tuple[str, ...]
    floors: int
    units_per_floor: int
    elevator_year: int | None
    description: str


COMPOUNDS = [
    CompoundSpec(
        "团结公寓",
        "团结湖中路社区",
        C.COMMERCIAL,
        M.MARKET_FIRM,
        "京朝物业服务有限公司（示例）",
        "团结公寓业主委员会",
        (1998, 2000),
        ("1号楼", "2号楼"),
        6,
        4,
        2003,
        "商品房小区，第四届业主委员会，电梯使用超过20年。",
    ),
    CompoundSpec(
        "轻工宿舍",
        "团结湖北里社区",
        C.CENTRAL_STATE,
        M.SELF_MANAGED,
        "轻工业部机关服务中心（示例产权单位）",
        None,
        (1976, 1985),
        ("甲1号楼", "甲2号楼"),
        5,
        3,
        None,
        "央产小区，由产权单位自管，建于上世纪七八十年代。",
    ),
    CompoundSpec(
        "水碓子东里",
        "水碓子社区",
        C.DISTRICT_PUBLIC_HOUSING,
        M.SELF_MANAGED,
        "朝阳区房管局第十二管理所",
        None,
        (1980, 1984),
        ("3号楼", "5号楼"),
        6,
        3,
        None,
        "老旧小区，列入综合整治计划。",
    ),
    CompoundSpec(
        "团结湖北里直管公房",
        "团结湖北里社区",
        C.DISTRICT_PUBLIC_HOUSING,
        M.SELF_MANAGED,
        "朝阳区房管局第十二管理所",
        None,
        (1978, 1982),
        ("9号楼", "10号楼"),
        5,
        4,
        None,
        "区属直管公房，由房管局第十二管理所管理，报修直派。",
    ),
    CompoundSpec(
        "中路北六条",
        "团结湖中路社区",
        C.NOT_HANDED_OVER,
        M.NONE,
        None,
        "中路北六条物业管理委员会",
        (1990, 1992),
        ("1号楼",),
        6,
        2,
        None,
        "非经移交小区，暂无物业服务，由物业管理委员会推动业主大会成立。",
    ),
]

# (username, name, phone, Party member, [(org, role, owner rep)], home)
PEOPLE: list[
    tuple[str, str, str, bool, list[tuple[str, str, bool]], tuple[str, str, str, str] | None]
] = [
    (
        "jiedao",
        "赵主任（街道）",
        "13800000001",
        True,
        [("团结湖街道办事处城市管理科", R.DIRECTOR, False), ("团结湖街道工委", R.MEMBER, False)],
        None,
    ),
    (
        "dudao",
        "钱组长（监督小组）",
        "13800000002",
        True,
        [("团结湖街道监督小组", R.CHAIR, False)],
        None,
    ),
    (
        "shuji",
        "孙书记（中路社区党委）",
        "13800000003",
        True,
        [("团结湖中路社区党委", R.SECRETARY, False)],
        None,
    ),
    (
        "shuji2",
        "李书记（北里社区党委）",
        "13800000004",
        True,
        [("团结湖北里社区党委", R.SECRETARY, False)],
        None,
    ),
    (
        "juwei",
        "周主任（中路居委会）",
        "13800000005",
        True,
        [("团结湖中路社区居委会", R.DIRECTOR, False)],
        None,
    ),
    (
        "juwei2",
        "吴委员（北里居委会）",
        "13800000006",
        False,
        [("团结湖北里社区居委会", R.STAFF, False)],
        None,
    ),
    (
        "wuye",
        "郑经理（京朝物业）",
        "13800000007",
        False,
        [("京朝物业服务有限公司（示例）", R.MANAGER, False)],
        None,
    ),
    (
        "fangguan",
        "王所长（房管十二所）",
        "13800000008",
        True,
        [("朝阳区房管局第十二管理所", R.DIRECTOR, False)],
        None,
    ),
    (
        "chanquan",
        "冯主任（轻工产权单位）",
        "13800000009",
        False,
        [("轻工业部机关服务中心（示例产权单位）", R.MANAGER, False)],
        None,
    ),
    (
        "yeweihui",
        "陈主任（团结公寓业委会）",
        "13800000010",
        True,
        [("团结公寓业主委员会", R.CHAIR, True)],
        ("团结公寓", "1号楼", "101", Residency.Relation.OWNER),
    ),
    (
        "wuguanhui",
        "褚主任（中路北六条物管会）",
        "13800000011",
        False,
        [("中路北六条物业管理委员会", R.MEMBER, True)],
        ("中路北六条", "1号楼", "101", Residency.Relation.OWNER),
    ),
    (
        "jumin",
        "卫阿姨（团结公寓居民）",
        "13800000012",
        False,
        [],
        ("团结公寓", "2号楼", "302", Residency.Relation.OWNER),
    ),
    (
        "jumin2",
        "蒋师傅（轻工宿舍居民）",
        "13800000013",
        True,
        [],
        ("轻工宿舍", "甲1号楼", "201", Residency.Relation.OCCUPANT),
    ),
    (
        "jumin3",
        "沈大爷（直管公房租户）",
        "13800000014",
        False,
        [],
        ("团结湖北里直管公房", "9号楼", "102", Residency.Relation.OCCUPANT),
    ),
]

COMMITTEE_TERMS = {
    "团结公寓业主委员会": (4, date(2023, 6, 1), date(2028, 5, 31)),
    "中路北六条物业管理委员会": (1, date(2024, 3, 1), date(2027, 2, 28)),
}


def unit_area(compound_index: int, building_index: int, floor: int, slot: int) -> Decimal:
    """A deterministic, plausible floor area between about 45 and 120 m²."""
    base = 45 + ((compound_index * 37 + building_index * 11 + slot * 17 + floor * 3) % 75)
    return Decimal(base) + Decimal((slot * 25 + floor * 7) % 100) / 100


def seed() -> dict[str, int]:
    """Create or update the demo world. Returns counts of the main kinds of rows. Its
    history is no news: no one is notified of it (nor of its tasks, until they change)."""
    with notifications.paused():
        return _seed()


@transaction.atomic
def _seed() -> dict[str, int]:
    subdistrict, _ = Subdistrict.objects.get_or_create(name=SUBDISTRICT)
    communities = {
        name: Community.objects.get_or_create(name=name, defaults={"subdistrict": subdistrict})[0]
        for name in COMMUNITIES
    }
    orgs: dict[str, Organization] = {}
    for name, kind, community_name, alliance in ORGANIZATIONS:
        term = COMMITTEE_TERMS.get(name, (None, None, None))
        org, _ = Organization.objects.update_or_create(
            name=name,
            defaults={
                "kind": kind,
                "subdistrict": subdistrict,
                "community": communities[community_name] if community_name else None,
                "in_service_alliance": alliance,
                "term_number": term[0],
                "term_start": term[1],
                "term_end": term[2],
            },
        )
        orgs[name] = org
    for community in communities.values():
        party = orgs[community.name.replace("社区", "社区党委")]
        residents = orgs[community.name.replace("社区", "社区居委会")]
        if (
            community.party_committee_id != party.pk
            or community.residents_committee_id != residents.pk
        ):
            community.party_committee = party
            community.residents_committee = residents
            community.save(update_fields=["party_committee", "residents_committee"])

    developer = orgs["团结公寓开发商（示例）"]
    units: dict[tuple[str, str, str], Unit] = {}
    for ci, spec in enumerate(COMPOUNDS):
        compound, _ = Compound.objects.update_or_create(
            name=spec.name,
            defaults={
                "community": communities[spec.community],
                "category": spec.category,
                "management_mode": spec.mode,
                "property_provider": orgs[spec.provider] if spec.provider else None,
                "owners_committee": orgs[spec.committee] if spec.committee else None,
                "built_from": spec.built[0],
                "built_to": spec.built[1],
                "households": len(spec.buildings) * spec.floors * spec.units_per_floor,
                "description": spec.description,
            },
        )
        for bi, bname in enumerate(spec.buildings):
            building, _ = Building.objects.update_or_create(
                compound=compound,
                name=bname,
                defaults={"floors": spec.floors, "elevator_year": spec.elevator_year},
            )
            for floor in range(1, spec.floors + 1):
                for slot in range(1, spec.units_per_floor + 1):
                    number = f"{floor}{slot:02d}"
                    unit, _ = Unit.objects.update_or_create(
                        building=building,
                        number=number,
                        defaults={"exclusive_area": unit_area(ci, bi, floor, slot)},
                    )
                    units[(spec.name, bname, number)] = unit
                    _seed_owner(spec, unit, orgs, developer, floor, slot)

    for username, display, phone, party_member, memberships, home in PEOPLE:
        user = _demo_user(username, display, phone, party_member)
        for org_name, role, owner_rep in memberships:
            Membership.objects.update_or_create(
                user=user,
                organization=orgs[org_name],
                role=role,
                defaults={"is_owner_representative": owner_rep, "active": True},
            )
        if home:
            unit = units[home[:3]]
            Residency.objects.update_or_create(user=user, unit=unit, defaults={"relation": home[3]})
            if home[3] == Residency.Relation.OWNER:
                # The demo person replaces the generated owner of that unit.
                Ownership.objects.filter(unit=unit).exclude(person=user).delete()
                Ownership.objects.get_or_create(unit=unit, person=user)

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        admin = User.objects.create_superuser("admin", password=DEMO_PASSWORD)
        admin.display_name = "系统管理员"
        admin.save(update_fields=["display_name"])

    seed_directory()
    seed_rates()
    seed_intake()
    seed_sessions()
    seed_votes()
    seed_channels()
    seed_indicators()
    seed_evaluations()
    seed_ledger()
    return {
        "communities": Community.objects.count(),
        "compounds": Compound.objects.count(),
        "organizations": Organization.objects.count(),
        "units": Unit.objects.count(),
        "people": User.objects.count(),
    }


def _seed_owner(
    spec: CompoundSpec,
    unit: Unit,
    orgs: dict[str, Organization],
    developer: Organization,
    floor: int,
    slot: int,
) -> None:
    """Owners by category: public housing belongs to its property-rights unit (docs/law.md §2);
    a few commercial units are still the developer's; the rest belong to generated people."""
    if Ownership.objects.filter(unit=unit).exists():
        return
    if spec.category in (C.DISTRICT_PUBLIC_HOUSING, C.CENTRAL_STATE) and slot != 1:
        Ownership.objects.create(unit=unit, organization=orgs[spec.provider or ""])
        return
    if spec.category == C.COMMERCIAL and floor == spec.floors and slot == spec.units_per_floor:
        Ownership.objects.create(unit=unit, organization=developer)
        return
    username = f"owner-{unit.pk}"
    owner = User.objects.filter(username=username).first()
    if owner is None:
        owner = User.objects.create_user(username)  # no usable password: votes on paper
        owner.display_name = f"业主{unit.building.name}{unit.number}"
        owner.save(update_fields=["display_name"])
    Ownership.objects.create(unit=unit, person=owner)
    Residency.objects.get_or_create(
        user=owner, unit=unit, defaults={"relation": Residency.Relation.OWNER}
    )


def _demo_user(username: str, display: str, phone: str, party: bool) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username, password=DEMO_PASSWORD)
    changed = (user.display_name, user.phone, user.is_party_member) != (display, phone, party)
    if changed:
        user.display_name, user.phone, user.is_party_member = display, phone, party
        user.save(update_fields=["display_name", "phone", "is_party_member"])
    return user
