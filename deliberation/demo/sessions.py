"""Demo sessions: one upcoming consultation session for 团结公寓, convened by shuji.

Delegates are the demo accounts: shuji (community Party organization), juwei (residents'
committee), wuye (京朝物业), yeweihui (owners' committee) and jumin (residents'
representative). The Party organization and the residents' committee have confirmed; the
other three confirm in the demo. Idempotent: the session is found by title and community.
Its first item takes up a resident's issue (jumin's report, sent to a session by juwei).
The demo session has no workflow process (the domain never imports ``workflows``); the
session views then run its steps on the services alone.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from deliberation.live.outbox import last_event_id
from deliberation.models import (
    Compound,
    Event,
    Invitation,
    Issue,
    Organization,
    Party,
    Session,
    User,
)
from deliberation.services import issues as issue_services
from deliberation.services import sessions as services
from deliberation.services import triage as triage_services

TITLE = "团结公寓第三季度议事协商会（示例）"
AGENDA = [
    {
        "title": "2号楼电梯更新方案",
        "description": "电梯使用超过20年，故障频发。",
        "time_budget_minutes": 30,
    },
    {"title": "公共收益使用与公示规则", "time_budget_minutes": 20},
    {"title": "小区停车秩序", "time_budget_minutes": 15},
]
ISSUE = "2号楼电梯经常停运，老人上下楼困难，希望尽快更换。"
DELEGATES = {
    Party.PARTY_ORG: "shuji",
    Party.RESIDENTS_COMMITTEE: "juwei",
    Party.PROVIDER: "wuye",
    Party.OWNERS_BODY: "yeweihui",
    Party.RESIDENTS_REPS: "jumin",
}
CONFIRMED = (Party.PARTY_ORG, Party.RESIDENTS_COMMITTEE)


@transaction.atomic
def seed_sessions() -> Session:
    compound = Compound.objects.select_related("community").get(name="团结公寓")
    existing = Session.objects.filter(title=TITLE, community=compound.community).first()
    if existing is not None:
        return existing
    shuji = User.objects.get(username="shuji")
    first_event = last_event_id()
    issue = issue_services.report_issue(
        actor=User.objects.get(username="jumin"),
        channel=Issue.Channel.WEB,
        description=ISSUE,
        compound=compound,
    )
    issue = triage_services.send_to_session(issue=issue, actor=User.objects.get(username="juwei"))
    agenda = [dict(AGENDA[0], issues=[issue]), *AGENDA[1:]]
    day = timezone.localdate() + timedelta(days=3)
    session = services.convene_session(
        convener=shuji,
        organization=Organization.objects.get(name="团结湖中路社区党委"),
        compounds=[compound],
        title=TITLE,
        starts_at=timezone.make_aware(datetime.combine(day, time(14, 30))),
        place="团结湖中路社区居委会二楼会议室",
        agenda=agenda,
    )
    for party, username in DELEGATES.items():
        invitation = Invitation.objects.get(session=session, party=party)
        services.name_delegates(
            actor=shuji, invitation=invitation, delegates=[User.objects.get(username=username)]
        )
        if party in CONFIRMED:
            services.reply_to_invitation(actor=shuji, invitation=invitation, attending=True)
    # Nobody was watching while the world was seeded: leave no live events behind.
    Event.objects.filter(pk__gt=first_event).delete()
    return session
