"""Six months of historical 12345 hotline issues, so the indicators page tells a story.

团结公寓's hotline count rises in each of the last three complete months (the signal the
seed's story is about: the elevator and the property firm); the other compounds stay flat.
Outcomes vary (fixed, not fixed, duplicate, not our responsibility; satisfied, basically
satisfied, dissatisfied) so every rate means something.

This is history from before Yishi (a data load, like a back-office migration): the issues
are written directly, already closed, with a two-step timeline (received, closed), and
deliberately not through ``report_issue`` — that would start an intake process waiting for
a triage that happened long ago. Idempotent: each issue is found by its ticket number.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from deliberation.models import Compound, Issue, IssueActivity, IssueCategory, User
from deliberation.selectors.indicators import month_list

C = Issue.ClosureReason
R = Issue.Rating

#: issues per complete month, oldest first (six months), then the current month so far
COUNTS: dict[str, list[int]] = {
    "团结公寓": [2, 3, 2, 4, 6, 9, 2],
    "轻工宿舍": [3, 2, 3, 2, 2, 1, 1],
    "团结湖北里直管公房": [1, 2, 2, 1, 2, 2, 0],
    "中路北六条": [1, 1, 0, 2, 1, 1, 0],
}
TEXTS = [
    ("elevator", "电梯停运，老人上下楼困难。（示例）"),
    ("leak", "楼上渗水到我家厨房顶。（示例）"),
    ("property-service", "物业电话打不通，报修没人管。（示例）"),
    ("sanitation", "楼门口垃圾堆了好几天。（示例）"),
    ("parking", "消防通道被私家车占用。（示例）"),
    ("repair", "楼道灯坏了一个月没人修。（示例）"),
]
#: (closure reason, rating) in turn; a rating only where the caller was reached (回访)
OUTCOMES = [
    (C.FIXED, R.SATISFIED),
    (C.FIXED, R.BASICALLY_SATISFIED),
    (C.NOT_FIXED, R.DISSATISFIED),
    (C.FIXED, R.SATISFIED),
    (C.DUPLICATE, ""),
    (C.FIXED, R.DISSATISFIED),
    (C.NOT_OUR_RESPONSIBILITY, ""),
    (C.ANSWERED, R.BASICALLY_SATISFIED),
    (C.NO_FURTHER_ACTION, ""),
]
CLOSED_TEXT = {
    C.FIXED: "已解决，结案。（示例）",
    C.NOT_FIXED: "未能解决，结案。（示例）",
    C.DUPLICATE: "重复诉求，合并办理。（示例）",
    C.NOT_OUR_RESPONSIBILITY: "非本单位职责，已告知来电人。（示例）",
    C.ANSWERED: "已答复来电人。（示例）",
    C.NO_FURTHER_ACTION: "无需进一步处理。（示例）",
}


@transaction.atomic
def seed_indicators() -> int:
    """Create the missing historical issues; returns how many were created."""
    actor = User.objects.get(username="jiedao")
    categories = {c.code: c for c in IssueCategory.objects.all()}
    months = month_list()[-len(next(iter(COUNTS.values()))) :]
    now = timezone.now()
    existing = set(
        Issue.objects.filter(hotline_ticket__startswith="DEMO-").values_list(
            "hotline_ticket", flat=True
        )
    )
    created = 0
    turn = 0
    for c_index, (name, counts) in enumerate(COUNTS.items()):
        compound = Compound.objects.select_related("community__residents_committee").get(name=name)
        party = compound.property_provider or compound.community.residents_committee
        for month, count in zip(months, counts, strict=True):
            for n in range(count):
                turn += 1
                ticket = f"DEMO-{month:%Y%m}-{c_index}{n:02d}"
                if ticket in existing:
                    continue
                code, text = TEXTS[(turn + c_index) % len(TEXTS)]
                called = timezone.make_aware(
                    datetime(month.year, month.month, 1 + (n * 3) % 26, 9 + n % 8, 10)
                )
                if called > now:
                    called = now - timedelta(hours=n + 1)
                reason, rating = OUTCOMES[turn % len(OUTCOMES)]
                closed = min(called + timedelta(days=4), now)
                responded = min(called + timedelta(hours=3), closed)
                issue = Issue.objects.create(
                    channel=Issue.Channel.HOTLINE,
                    description=text,
                    compound=compound,
                    category=categories.get(code),
                    hotline_ticket=ticket,
                    responsible=party if reason != C.NOT_OUR_RESPONSIBILITY else None,
                    triaged_at=called + timedelta(hours=1),
                    responded_at=responded if reason != C.DUPLICATE else None,
                    status=Issue.Status.CLOSED,
                    closure_reason=reason,
                    resolved_at=closed if reason in (C.FIXED, C.ANSWERED) else None,
                    closed_at=closed,
                    rating=rating,
                    rated_at=closed if rating else None,
                )
                Issue.objects.filter(pk=issue.pk).update(created_at=called, updated_at=closed)
                steps = [
                    (IssueActivity.Kind.REPORTED, "12345热线转办（历史数据，示例）", called),
                    (IssueActivity.Kind.CLOSED, CLOSED_TEXT[reason], closed),
                ]
                for kind, text_, when in steps:
                    step = IssueActivity.objects.create(
                        issue=issue, kind=kind, public_text=text_, actor=actor
                    )
                    IssueActivity.objects.filter(pk=step.pk).update(created_at=when)
                created += 1
    return created
