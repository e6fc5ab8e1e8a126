"""Build sessions on the demo world: 团结公寓, convened by shuji with the demo delegates."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation.models import Invitation, Organization, Party, Session, User
from deliberation.services import sessions as services
from workflows import sessions as flow

DELEGATES = {
    Party.PARTY_ORG: "shuji",
    Party.RESIDENTS_COMMITTEE: "juwei",
    Party.PROVIDER: "wuye",
    Party.OWNERS_BODY: "yeweihui",
    Party.RESIDENTS_REPS: "jumin",
}


def user(username: str) -> User:
    return User.objects.get(username=username)


def convene(demo, *, agenda=("电梯更新", "公共收益使用规则"), **kwargs) -> Session:
    return flow.start(
        convener=user("shuji"),
        organization=Organization.objects.get(name="团结湖中路社区党委"),
        compounds=[demo.tuanjie],
        title="团结公寓议事协商会",
        starts_at=timezone.now() + timedelta(days=2),
        place="中路社区居委会会议室",
        agenda=[{"title": t} for t in agenda],
        **kwargs,
    )


def invitation(session: Session, party: str) -> Invitation:
    return session.invitations.get(party=party)


def confirm(session: Session, parties=tuple(DELEGATES)) -> None:
    """Each party names its demo delegate and confirms, acting as itself."""
    for party in parties:
        inv = invitation(session, party)
        # Residents' representatives are named by the secretary (the convener).
        actor = user("shuji") if party == Party.RESIDENTS_REPS else user(DELEGATES[party])
        services.name_delegates(actor=actor, invitation=inv, delegates=[user(DELEGATES[party])])
        flow.reply(actor=actor, invitation=inv, attending=True)


def opened(demo, **kwargs) -> Session:
    session = convene(demo, **kwargs)
    confirm(session)
    return flow.open_session(actor=user("shuji"), session=session)


def speak_all(session: Session, stance: str = "support") -> None:
    for party, username in DELEGATES.items():
        services.state_position(
            actor=user(username), session=session, party=party, stance=stance, statement="同意"
        )


def action_url(kind: str, pk: int, name: str) -> str:
    """The one endpoint of a step (``deliberation.actions``)."""
    return reverse("action", args=[kind, pk, name])


def fields(name: str, **values: object) -> dict[str, object]:
    """A step's form data: its fields carry the step's name as prefix."""
    return {f"{name}-{key}": value for key, value in values.items()}
