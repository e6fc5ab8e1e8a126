"""Demo issues and work orders: categories, a few reports in every state the pages show.

Idempotent: categories by code; demo issues by their (unique) description text.
"""

from __future__ import annotations

from django.db import transaction

from deliberation.models import Compound, Event, Issue, IssueCategory, Urgency, User, WorkOrder
from deliberation.services.issues import report_issue
from deliberation.services.work_orders import dispatch_work_order

U = Urgency

# (code, name, group, default urgency, keywords, description)
CATEGORIES: list[tuple[str, str, str, str, str, str]] = [
    ("leak", "跑冒滴漏", "房屋维修", U.UTILITIES, "漏水,渗水,水管", "楼内水管、屋面、管道渗漏"),
    (
        "water-power",
        "停水停电停气",
        "市政设施",
        U.EMERGENCY,
        "停水,停电,燃气",
        "供水、供电、燃气、供暖故障",
    ),
    (
        "repair",
        "房屋及公共设施维修",
        "房屋维修",
        U.ORDINARY,
        "门窗,楼道灯,单元门",
        "楼道、门窗、照明等公共部位维修",
    ),
    ("elevator", "电梯", "房屋维修", U.UTILITIES, "电梯,困人", "电梯故障、困人、年检"),
    ("sanitation", "环境卫生", "环境秩序", U.ORDINARY, "垃圾,清运,卫生", "垃圾清运、楼道卫生"),
    ("parking", "停车秩序", "环境秩序", U.ORDINARY, "停车,占道", "小区停车、消防通道占用"),
    ("greening", "绿化", "环境秩序", U.ORDINARY, "树木,绿地", "树木修剪、绿地养护"),
    (
        "property-service",
        "物业服务",
        "物业管理",
        U.ORDINARY,
        "物业费,服务态度",
        "物业服务质量、收费",
    ),
    ("noise", "噪声扰民", "环境秩序", U.ORDINARY, "噪声,装修", "装修、施工、商户噪声"),
    ("other", "其他", "其他", U.ORDINARY, "", "其他诉求"),
]

ISSUES: list[tuple[str, str, str, str, str, str]] = [
    # (username, compound, category, channel, description, where)
    (
        "jumin",
        "团结公寓",
        "elevator",
        Issue.Channel.WEB,
        "2号楼电梯门关不严，晚上有异响。（示例）",
        "2号楼",
    ),
    (
        "jumin3",
        "团结湖北里直管公房",
        "leak",
        Issue.Channel.WEB,
        "9号楼102厨房上水管漏水，已经滴了两天。（示例）",
        "9号楼",
    ),
    (
        "jumin2",
        "轻工宿舍",
        "sanitation",
        Issue.Channel.WEB,
        "甲1号楼门口垃圾三天没有清运。（示例）",
        "甲1号楼",
    ),
]


@transaction.atomic
def seed_intake() -> dict[str, int]:
    """Categories, and three demo issues waiting for triage."""
    first_event = Event.objects.order_by("-id").values_list("id", flat=True).first() or 0
    categories = {}
    for i, (code, name, group, urgency, keywords, description) in enumerate(CATEGORIES):
        categories[code], _ = IssueCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "group": group,
                "default_urgency": urgency,
                "keywords": keywords,
                "description": description,
                "ordering": (i + 1) * 10,
            },
        )
    for username, compound_name, code, channel, description, where in ISSUES:
        if Issue.objects.filter(description=description).exists():
            continue
        user = User.objects.get(username=username)
        compound = Compound.objects.get(name=compound_name)
        # Each waits in its committee's triage queue (the intake flow starts on report).
        report_issue(
            actor=user,
            channel=channel,
            description=description,
            compound=compound,
            building=compound.buildings.filter(name=where).first(),
            category=categories[code],
            urgency=categories[code].default_urgency,
        )
    _seed_proactive_order(categories["leak"])
    # Nobody watches while seeding: drop the live events it produced, so a fresh demo (and
    # the test fixtures built on it) starts with an empty outbox.
    Event.objects.filter(id__gt=first_event).delete()
    return {"categories": IssueCategory.objects.count(), "issues": Issue.objects.count()}


PROACTIVE_TITLE = "9号楼屋面防水：巡查发现雨后渗漏（示例）"


def _seed_proactive_order(category: IssueCategory) -> None:
    """A work order without an issue (未诉先办 after an inspection), waiting for the
    housing office: its inbox and the work-order flow have something to show."""
    if WorkOrder.objects.filter(title=PROACTIVE_TITLE).exists():
        return
    compound = Compound.objects.select_related("property_provider").get(name="团结湖北里直管公房")
    assert compound.property_provider is not None
    dispatch_work_order(
        actor=User.objects.get(username="juwei2"),
        responsible=compound.property_provider,
        title=PROACTIVE_TITLE,
        description="居委会巡查发现9号楼顶层两户雨后渗漏，请房管所现场查看并修复屋面防水。",
        acceptance_criteria="雨后复查无渗漏，顶层住户确认。",
        compound=compound,
        category=category,
        urgency=Urgency.UTILITIES,
    )
