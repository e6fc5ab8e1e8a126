"""Demo owners' votes at 团结公寓, as in the subdistrict's account (illustrative, 示例).

- A petition for a temporary meeting one signature short of 20 %: log in as ``jumin`` and
  sign to reach it; ``yeweihui`` then gets the task to convene.
- The 4th committee's meeting on five matters, noticed 16 days ago and open for voting,
  with paper ballots already entered and confirmed: ``jumin`` can vote online,
  ``juwei``/``yeweihui`` enter and confirm paper ballots, then close, tally and publish.

Idempotent: votes are found by compound and title. The timestamps of the voting demo are
moved back 16 days after its notice is published through the service (demo data only).
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from deliberation.law.owners_votes import MatterKind
from deliberation.models import (
    Ballot,
    BallotAudit,
    Compound,
    Matter,
    Organization,
    OwnersVote,
    User,
    Voter,
)
from deliberation.selectors.owner_register import owner_register
from deliberation.services import votes as svc

PETITION_TITLE = "临时业主大会提议：电梯与物业服务问题（示例）"
MEETING_TITLE = "2026年第一次临时业主大会（示例）"


@transaction.atomic
def seed_votes() -> None:
    compound = Compound.objects.get(name="团结公寓")
    jumin = User.objects.get(username="jumin")
    yeweihui = User.objects.get(username="yeweihui")
    juwei = User.objects.get(username="juwei")
    if not OwnersVote.objects.filter(compound=compound, title=PETITION_TITLE).exists():
        _seed_petition(compound, juwei)
    if not OwnersVote.objects.filter(compound=compound, title=MEETING_TITLE).exists():
        _seed_meeting(compound, yeweihui, juwei, jumin)


def _seed_petition(compound: Compound, juwei: User) -> None:
    register = owner_register(compound)
    owners = [h for h in register.heads if h.kind == "person" and h.label.startswith("业主")]
    starter = User.objects.get(pk=owners[0].person_id or 0)
    vote = svc.start_petition(
        actor=starter,
        compound=compound,
        title=PETITION_TITLE,
        matters=[
            svc.MatterSpec(MatterKind.REBUILD, "更换使用超过20年的电梯", effect="work_order"),
            svc.MatterSpec(MatterKind.MANAGER, "重新选聘物业服务企业"),
        ],
    )
    for head in owners[1 : vote.petition_needed - 1]:
        svc.record_paper_signature(actor=juwei, vote=vote, key=head.key)


def _seed_meeting(compound: Compound, yeweihui: User, juwei: User, jumin: User) -> None:
    new_firm = Organization.objects.get(name="湖畔物业管理有限公司（示例）")
    vote = svc.propose_vote(
        actor=yeweihui,
        compound=compound,
        title=MEETING_TITLE,
        matters=[
            svc.MatterSpec(
                MatterKind.MANAGER,
                "选聘湖畔物业为新的物业服务企业",
                effect=Matter.Effect.PROPERTY_FIRM,
                effect_organization=new_firm,
            ),
            svc.MatterSpec(
                MatterKind.REBUILD,
                "更换1号楼、2号楼使用超过20年的电梯",
                effect=Matter.Effect.WORK_ORDER,
            ),
            svc.MatterSpec(MatterKind.USE_FUND, "使用专项维修资金支付电梯更换费用"),
            svc.MatterSpec(MatterKind.MEETING_RULES, "修订业主大会议事规则"),
            svc.MatterSpec(MatterKind.OTHER, "制定公共收益使用管理规则"),
        ],
    )
    svc.review(actor=juwei, vote=vote, observer=juwei)
    now = timezone.now()
    svc.publish_notice(
        actor=yeweihui,
        vote=vote,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        place_and_method="线上投票及书面表决票，社区居委会会议室设投票箱",
    )
    # Demo only: as if noticed 16 days ago, so that voting is open today.
    shift = timedelta(days=16, hours=1)
    OwnersVote.objects.filter(pk=vote.pk).update(
        noticed_at=now - shift, opens_at=now - timedelta(hours=1), created_at=now - shift
    )
    vote.refresh_from_db()
    svc.open_voting(vote=vote)
    # Paper ballots already entered by the residents' committee and confirmed by the chair.
    matters = list(vote.matters.order_by("position"))
    voters = list(
        Voter.objects.filter(vote=vote, person__isnull=False)
        .exclude(person__in=[jumin, yeweihui])
        .order_by("label")[:28]
    )
    ballots, audit = [], []
    for i, voter in enumerate(voters):
        for m in matters:
            choice = Ballot.Choice.DISAGREE if (i + m.position) % 9 == 0 else Ballot.Choice.AGREE
            ballots.append(
                Ballot(
                    matter=m,
                    voter=voter,
                    choice=choice,
                    channel=Ballot.Channel.PAPER,
                    cast_by=juwei,
                    confirmed_by=yeweihui,
                    confirmed=True,
                )
            )
            for action, actor in (
                (BallotAudit.Action.PAPER_ENTERED, juwei),
                (BallotAudit.Action.PAPER_CONFIRMED, yeweihui),
            ):
                audit.append(
                    BallotAudit(matter=m, voter=voter, action=action, choice=choice, actor=actor)
                )
    Ballot.objects.bulk_create(ballots)
    BallotAudit.objects.bulk_create(audit)
