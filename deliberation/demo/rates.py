"""The rest of the subdistrict's 55 management units, and who covers them, so that the
property 三率 and the classified view read like the subdistrict's own account (DESIGN.md):
only 3 units are served by market firms, the rest are self-managed by property-rights
units (mostly the district housing office's public housing), one more is not yet handed
over; most old compounds have a property management committee formed by the subdistrict;
the firms of the service alliance are covered by its joint Party branch.

These units are light: a name, a category, a provider and a household count (no buildings
or owners), enough for the rates and the classified view. Idempotent (found by name).
"""

from __future__ import annotations

from deliberation.models import Community, Compound, Organization, Subdistrict

K = Organization.Kind
C = Compound.Category
M = Compound.ManagementMode
P = Organization.PartyCoverage

ALLIANCE_BRANCH = "团结湖物业服务联盟联合党支部（示例）"
HOUSING_OFFICE = "朝阳区房管局第十二管理所"
CENTRAL_UNIT = "轻工业部机关服务中心（示例产权单位）"

#: (organization, Party coverage, branch) for the demo's existing organizations and the two
#: work units added here; the committees not listed have no Party organization of their own
PARTY: list[tuple[str, str, str]] = [
    ("京朝物业服务有限公司（示例）", P.JOINT, ALLIANCE_BRANCH),
    ("湖畔物业管理有限公司（示例）", P.JOINT, ALLIANCE_BRANCH),
    ("安居物业服务有限公司（示例）", P.OWN, "安居物业党支部（示例）"),
    (HOUSING_OFFICE, P.OWN, "第十二管理所党支部（示例）"),
    (CENTRAL_UNIT, P.OWN, "机关服务中心党总支（示例）"),
    ("纺织宿舍管理科（示例产权单位）", P.OWN, "纺织宿舍管理科党支部（示例）"),
    ("仪器研究所后勤服务中心（示例产权单位）", P.NONE, ""),
]
WORK_UNITS = ["纺织宿舍管理科（示例产权单位）", "仪器研究所后勤服务中心（示例产权单位）"]

BEILI, ZHONGLU, SHUIDUIZI = "团结湖北里社区", "团结湖中路社区", "水碓子社区"


def _units() -> list[tuple[str, str, str, str | None, bool, int]]:
    """(name, community, category, provider or None, has a committee, households)."""
    out: list[tuple[str, str, str, str | None, bool, int]] = [
        (
            "团结湖南里商品房（示例）",
            ZHONGLU,
            C.COMMERCIAL,
            "湖畔物业管理有限公司（示例）",
            True,
            420,
        ),
        (
            "水碓子西里商品房（示例）",
            SHUIDUIZI,
            C.COMMERCIAL,
            "安居物业服务有限公司（示例）",
            True,
            380,
        ),
        ("中路南二条（示例）", ZHONGLU, C.NOT_HANDED_OVER, None, False, 96),
    ]
    for i in range(1, 15):  # district public housing, the housing office's
        out.append(
            (
                f"北里{i}号院（示例）",
                BEILI,
                C.DISTRICT_PUBLIC_HOUSING,
                HOUSING_OFFICE,
                i != 7,
                120 + 9 * i,
            )
        )
    for i in range(1, 11):
        out.append(
            (
                f"中路北{i}号院（示例）",
                ZHONGLU,
                C.DISTRICT_PUBLIC_HOUSING,
                HOUSING_OFFICE,
                True,
                140 + 7 * i,
            )
        )
    for i in range(1, 10):
        out.append(
            (
                f"水碓子东路{i}号院（示例）",
                SHUIDUIZI,
                C.DISTRICT_PUBLIC_HOUSING,
                HOUSING_OFFICE,
                True,
                150 + 5 * i,
            )
        )
    for i in range(1, 4):  # central-state property
        out.append(
            (f"北里央产{i}号楼院（示例）", BEILI, C.CENTRAL_STATE, CENTRAL_UNIT, True, 90 + 10 * i)
        )
    for i in range(1, 4):
        out.append(
            (
                f"水碓子央产{i}号楼院（示例）",
                SHUIDUIZI,
                C.CENTRAL_STATE,
                CENTRAL_UNIT,
                True,
                80 + 10 * i,
            )
        )
    for i in range(1, 5):  # work-unit self-managed
        out.append(
            (f"中路纺织宿舍{i}区（示例）", ZHONGLU, C.WORK_UNIT, WORK_UNITS[0], True, 110 + 6 * i)
        )
    for i in range(1, 5):
        out.append(
            (
                f"水碓子研究所宿舍{i}区（示例）",
                SHUIDUIZI,
                C.WORK_UNIT,
                WORK_UNITS[1],
                True,
                70 + 8 * i,
            )
        )
    return out


def seed_rates() -> int:
    """Create the missing units; returns how many compounds the subdistrict has."""
    subdistrict = Subdistrict.objects.get(name__startswith="团结湖街道")
    communities = {c.name: c for c in Community.objects.all()}
    for name in WORK_UNITS:
        Organization.objects.get_or_create(
            name=name, defaults={"kind": K.PROPERTY_RIGHTS_UNIT, "subdistrict": subdistrict}
        )
    for name, coverage, branch in PARTY:
        Organization.objects.filter(name=name).exclude(
            party_coverage=coverage, party_branch_name=branch
        ).update(party_coverage=coverage, party_branch_name=branch)
    orgs = {
        o.name: o
        for o in Organization.objects.filter(kind__in=(K.PROPERTY_FIRM, K.PROPERTY_RIGHTS_UNIT))
    }
    existing = set(Compound.objects.values_list("name", flat=True))
    for name, community, category, provider, committee, households in _units():
        if name in existing:
            continue
        body = None
        if committee:  # an owners' committee in a commercial compound, else a 物管会
            kind = (
                K.OWNERS_COMMITTEE if category == C.COMMERCIAL else K.PROPERTY_MANAGEMENT_COMMITTEE
            )
            suffix = "业主委员会" if kind == K.OWNERS_COMMITTEE else "物业管理委员会"
            body, _ = Organization.objects.get_or_create(
                name=name.replace("（示例）", suffix + "（示例）"),
                defaults={"kind": kind, "subdistrict": subdistrict},
            )
        Compound.objects.create(
            name=name,
            community=communities[community],
            category=category,
            management_mode=M.NONE
            if provider is None
            else (M.MARKET_FIRM if category == C.COMMERCIAL else M.SELF_MANAGED),
            property_provider=orgs[provider] if provider else None,
            owners_committee=body,
            households=households,
            description="示例管理单元（仅用于三率与分类管理统计）。",
        )
    return Compound.objects.count()
