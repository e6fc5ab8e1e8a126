"""The demo services directory: each organization's office line, address and hours
(illustrative, 示例; office numbers, never a person's own)."""

from __future__ import annotations

from deliberation.models import Organization

#: organization name → (office phone, address, service hours)
CONTACTS: dict[str, tuple[str, str, str]] = {
    "团结湖街道工委": ("010-6500 0100", "团结湖路甲1号（示例）", "工作日 9:00–17:00"),
    "团结湖街道办事处城市管理科": (
        "010-6500 0101",
        "团结湖路甲1号（示例）",
        "工作日 9:00–17:00",
    ),
    "团结湖北里社区党委": ("010-6500 0201", "团结湖北里社区服务站（示例）", "每日 8:30–17:30"),
    "团结湖北里社区居委会": (
        "010-6500 0202",
        "团结湖北里社区服务站（示例）",
        "每日 8:30–17:30",
    ),
    "团结湖中路社区党委": ("010-6500 0301", "团结湖中路社区服务站（示例）", "每日 8:30–17:30"),
    "团结湖中路社区居委会": (
        "010-6500 0302",
        "团结湖中路社区服务站（示例）",
        "每日 8:30–17:30",
    ),
    "水碓子社区党委": ("010-6500 0401", "水碓子社区服务站（示例）", "每日 8:30–17:30"),
    "水碓子社区居委会": ("010-6500 0402", "水碓子社区服务站（示例）", "每日 8:30–17:30"),
    "京朝物业服务有限公司（示例）": (
        "010-6500 1001",
        "团结公寓1号楼底商物业服务中心（示例）",
        "每日 8:00–20:00，报修24小时",
    ),
    "朝阳区房管局第十二管理所": ("010-6500 1201", "水碓子东里3号楼旁（示例）", "工作日 8:30–17:00"),
    "轻工业部机关服务中心（示例产权单位）": (
        "010-6500 1301",
        "轻工宿舍甲1号楼一层（示例）",
        "工作日 8:30–17:00",
    ),
    "团结公寓业主委员会": ("", "团结公寓2号楼一层业委会办公室（示例）", "每周六 9:00–11:00"),
    "中路北六条物业管理委员会": ("", "团结湖中路社区服务站（示例）", "每周三 14:00–16:00"),
}


def seed_directory() -> None:
    """Fill in the directory (idempotent: only rows that differ are written)."""
    for org in Organization.objects.filter(name__in=CONTACTS):
        phone, address, hours = CONTACTS[org.name]
        if (org.public_phone, org.public_address, org.service_hours) != (phone, address, hours):
            org.public_phone, org.public_address, org.service_hours = phone, address, hours
            org.save(update_fields=["public_phone", "public_address", "service_hours"])
