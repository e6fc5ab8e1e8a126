"""Matrix rows and budgets of the sessions area's kinds: ``session``, ``invitation``,
``minutes`` and ``compound`` (convening) (``deliberation/actions/sessions.py``,
``invitations.py``, ``minutes.py``).

Every thing is a fresh copy of the demo session of 团结公寓 (convened by shuji for the
中路 Party committee, the five parties' demo accounts its delegates, two parties
confirmed), brought to the phase a row needs by the set-ups of ``surfaces_sessions`` (plain
ORM: a test's set-up, not the rule under test).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Minutes,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
)

from .. import budgets, growth_sessions
from .. import surfaces_sessions as ss
from . import Build, KindBudget, Row, allowed_roles, built

CHAIR = allowed_roles("party_committee")  # shuji convened, chairs and keeps the minutes
OWNERS = allowed_roles("resident", "owners_committee")
#: party → the role whose demo account is its delegate
SPEAKERS = {
    Party.PARTY_ORG: "party_committee",
    Party.RESIDENTS_COMMITTEE: "residents_committee",
    Party.PROVIDER: "property_firm",
    Party.OWNERS_BODY: "owners_committee",
    Party.RESIDENTS_REPS: "resident",
}
_titles = count(1)


def fresh(demo: Any) -> Session:
    """A copy of the demo session (three agenda items, five delegates, two confirmed)."""
    from deliberation.demo.sessions import AGENDA, CONFIRMED, DELEGATES
    from deliberation.models import Compound, Organization
    from deliberation.services import sessions as services

    shuji = User.objects.get(username="shuji")
    session = services.convene_session(
        convener=shuji,
        organization=Organization.objects.get(name="团结湖中路社区党委"),
        compounds=[Compound.objects.get(name="团结公寓")],
        title=f"matrix: 议事协商会 {next(_titles)}",
        starts_at=timezone.now() + timedelta(days=3),
        place="团结湖中路社区居委会二楼会议室",
        agenda=[dict(item) for item in AGENDA],
    )
    for party, username in DELEGATES.items():
        invitation = Invitation.objects.get(session=session, party=party)
        services.name_delegates(
            actor=shuji, invitation=invitation, delegates=[User.objects.get(username=username)]
        )
        if party in CONFIRMED:
            services.reply_to_invitation(actor=shuji, invitation=invitation, attending=True)
    return session


def _in(state: Callable[[Session], Any]) -> Build:
    """A fresh session brought to ``state``."""

    def build(demo: Any) -> Session:
        session = fresh(demo)
        state(session)
        return Session.objects.get(pk=session.pk)

    build.__name__ = f"session {state.__name__}"
    return build


convened = _in(ss.st_convened)
confirmed = _in(ss.st_confirmed)
opened = _in(ss.st_open)
discussing = _in(ss.st_item)
in_round = _in(ss.st_round)
voting = _in(ss.st_voting)
voted = _in(ss.st_voted)
asked = _in(ss.st_question)


def _ended(session: Session) -> Any:
    ss.st_ended(session)


ended = _in(_ended)


def _status(s: Any) -> str:
    return str(Session.objects.values_list("status", flat=True).get(pk=s.pk))


def _fields(name: str, **values: Any) -> dict[str, Any]:
    return {f"{name}-{key}": value for key, value in values.items()}


def _items(s: Any) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(session_id=s.pk).order_by("order", "id"))


def _item(name: str, pick: int) -> Callable[[Any, Any, Any], dict[str, Any]]:
    return lambda demo, s, user: _fields(name, item=_items(s)[pick].pk)


def _outcome(pick: int, outcome: str) -> Callable[[Any], bool]:
    return lambda s: _items(s)[pick].outcome == outcome


def _question(s: Any) -> Any:
    question = Question.objects.filter(session_id=s.pk).order_by("-id").first()
    return question.pk if question else ""


def _resolution(s: Any) -> Resolution:
    return Resolution.objects.filter(item__session_id=s.pk).latest("id")


SESSION_ROWS: list[Row] = [
    Row(
        "session.open",
        CHAIR,
        available=confirmed,
        unavailable=convened,
        done=lambda s: _status(s) == Session.Status.OPEN,
    ),
    Row(
        "session.open_item",
        CHAIR,
        available=opened,
        unavailable=convened,
        data=_item("open_item", 0),
        done=lambda s: Session.objects.get(pk=s.pk).current_item_id == _items(s)[0].pk,
    ),
    Row(
        "session.open_round",
        CHAIR,
        available=discussing,
        unavailable=in_round,
        done=lambda s: Round.objects.filter(item__session_id=s.pk).exists(),
    ),
    Row(
        "session.close_round",
        CHAIR,
        available=in_round,
        unavailable=discussing,
        done=lambda s: Round.objects.filter(
            item__session_id=s.pk, status=Round.Status.CLOSED
        ).exists(),
    ),
    Row(
        "session.propose",
        CHAIR,
        available=discussing,
        unavailable=voting,
        data=lambda demo, s, user: _fields(
            "propose",
            decision="更换2号楼电梯",
            responsible_party=Party.PROVIDER,
            deadline=(timezone.localdate() + timedelta(days=30)).isoformat(),
            acceptance_criteria="验收",
        ),
        done=lambda s: Resolution.objects.filter(item__session_id=s.pk).exists(),
    ),
    Row(
        "session.decide",
        CHAIR,
        available=voted,
        unavailable=voting,
        done=lambda s: _resolution(s).status != Resolution.Status.VOTING,
    ),
    Row(
        "session.countdown",
        CHAIR,
        available=opened,
        unavailable=convened,
        data=lambda demo, s, user: _fields("countdown", party=Party.PROVIDER, seconds="60"),
        done=lambda s: Session.objects.get(pk=s.pk).speaker_party == Party.PROVIDER,
    ),
    Row(
        "session.moderate",
        CHAIR,
        available=asked,
        unavailable=convened,
        data=lambda demo, s, user: _fields("moderate", question=_question(s), take_up="yes"),
        done=lambda s: Question.objects.filter(
            session_id=s.pk, status=Question.Status.TAKEN_UP
        ).exists(),
    ),
    Row(
        "session.defer",
        CHAIR,
        available=convened,
        unavailable=ended,
        data=_item("defer", -1),
        done=_outcome(-1, AgendaItem.Outcome.DEFERRED),
    ),
    Row(
        "session.refer",
        CHAIR,
        available=opened,
        unavailable=convened,
        data=_item("refer", 1),
        done=_outcome(1, AgendaItem.Outcome.REFERRED),
    ),
    Row(
        "session.end",
        CHAIR,
        available=opened,
        unavailable=convened,
        done=lambda s: _status(s) == Session.Status.ENDED,
    ),
    Row(
        "session.add_item",
        CHAIR,
        available=convened,
        unavailable=ended,
        data=lambda demo, s, user: _fields(
            "add_item", title="matrix: 新议题", time_budget_minutes="10"
        ),
        done=lambda s: AgendaItem.objects.filter(session_id=s.pk, title="matrix: 新议题").exists(),
    ),
    Row(
        "session.reorder",
        CHAIR,
        available=convened,
        unavailable=ended,
        data=lambda demo, s, user: _fields("reorder", item=_items(s)[1].pk, direction="up"),
        done=lambda s: _items(s)[0].title != "2号楼电梯更新方案",
    ),
    Row(
        "session.attendance",
        CHAIR,
        available=opened,
        unavailable=convened,
        data=lambda demo, s, user: _fields("attendance", party=Party.PROVIDER, present="no"),
        done=lambda s: not Attendance.objects.get(session_id=s.pk, party=Party.PROVIDER).present,
    ),
    Row(
        "session.ask",
        OWNERS,
        available=convened,
        unavailable=ended,
        data=lambda demo, s, user: _fields("ask", text="电梯何时更换？"),
        done=lambda s: Question.objects.filter(session_id=s.pk, text="电梯何时更换？").exists(),
    ),
]


# --- invitations: each party's steps -----------------------------------------------------------


def _invitation(party: str, build: Build) -> Build:
    def pick(demo: Any) -> Invitation:
        return built(build, demo).invitations.get(party=party)

    pick.__name__ = f"{party} invitation, {build.__name__}"
    return pick


def _pending(party: str) -> Build:
    def build(demo: Any) -> Invitation:
        invitation = fresh(demo).invitations.get(party=party)
        Invitation.objects.filter(pk=invitation.pk).update(
            reply=Invitation.Reply.PENDING, replied_by=None, replied_at=None
        )
        return invitation

    build.__name__ = f"{party} invitation, pending"
    return build


def _reply(i: Any) -> str:
    return str(Invitation.objects.values_list("reply", flat=True).get(pk=i.pk))


#: who answers a party's invitation: the secretary and the invited organization's members
def _answering(party: str) -> frozenset[str]:
    return CHAIR | allowed_roles(SPEAKERS[party])


INVITATION_ROWS: list[Row] = []
for _party, _role in SPEAKERS.items():
    INVITATION_ROWS += [
        Row(
            "invitation.speak",
            allowed_roles(_role),
            scenario=_party,
            available=_invitation(_party, in_round),
            unavailable=_invitation(_party, discussing),
            data=lambda demo, i, user: _fields("speak", stance="support", statement="同意"),
            done=lambda i: Position.objects.filter(
                round__item__session_id=i.session_id, party=i.party
            ).exists(),
        ),
        Row(
            "invitation.accept",
            _answering(_party),
            scenario=_party,
            available=_pending(_party),
            unavailable=_invitation(_party, opened),
            done=lambda i: _reply(i) == Invitation.Reply.CONFIRMED,
        ),
    ]
INVITATION_ROWS += [
    Row(
        "invitation.vote",
        allowed_roles("property_firm"),
        available=_invitation(Party.PROVIDER, voting),
        unavailable=_invitation(Party.PROVIDER, in_round),
        data=lambda demo, i, user: _fields("vote", choice="agree"),
        done=lambda i: ResolutionVote.objects.filter(
            resolution__item__session_id=i.session_id, party=i.party
        ).exists(),
    ),
    Row(
        "invitation.decline",
        _answering(Party.PROVIDER),
        available=_pending(Party.PROVIDER),
        unavailable=_invitation(Party.PROVIDER, opened),
        done=lambda i: _reply(i) == Invitation.Reply.DECLINED,
    ),
    Row(
        "invitation.delegates",
        _answering(Party.PROVIDER),
        available=_invitation(Party.PROVIDER, convened),
        unavailable=_invitation(Party.PROVIDER, opened),
        data=lambda demo, i, user: _fields(
            "delegates", delegates=[User.objects.get(username="wuye").pk]
        ),
        done=lambda i: True,  # the same delegate named again: the write is the evidence
    ),
]


# --- minutes and convening ---------------------------------------------------------------------


def draft(demo: Any) -> Minutes:
    return Minutes.objects.get(session=ended(demo))


def published(demo: Any) -> Minutes:
    from deliberation.services.sessions import minutes as minutes_services

    minutes = draft(demo)
    minutes_services.publish_minutes(actor=demo.user("shuji"), session=minutes.session)
    return Minutes.objects.get(pk=minutes.pk)


def _own_committee(user: Any, compound: Any) -> int:
    """The sender's own Party or residents' committee of the compound's community."""
    from deliberation.models import Membership, Organization

    kinds = [Organization.Kind.PARTY_COMMITTEE, Organization.Kind.RESIDENTS_COMMITTEE]
    own = Membership.objects.filter(
        user_id=getattr(user, "pk", None), active=True, organization__kind__in=kinds
    ).values_list("organization_id", flat=True)
    if own:
        return own[0]
    return Organization.objects.get(kind=kinds[0], community_id=compound.community_id).pk


OTHER_ROWS: list[Row] = [
    Row(
        "minutes.edit",
        CHAIR,
        available=draft,
        unavailable=published,
        data=lambda demo, m, user: _fields("edit", text="matrix 纪要"),
        done=lambda m: Minutes.objects.get(pk=m.pk).text.startswith("matrix 纪要"),
    ),
    Row(
        "minutes.publish",
        CHAIR,
        available=draft,
        unavailable=published,
        done=lambda m: Minutes.objects.get(pk=m.pk).status == Minutes.Status.PUBLISHED,
    ),
    Row(
        "compound.convene",
        allowed_roles("party_committee", "residents_committee"),
        available=lambda demo: demo.tuanjie,
        unavailable=None,
        always="a compound may always have another session convened",
        data=lambda demo, c, user: _fields(
            "convene",
            title="matrix 议事会",
            starts_at=(timezone.localtime() + timedelta(days=3))
            .replace(second=0, microsecond=0, tzinfo=None)
            .isoformat(),
            place="会议室",
            compound=c.pk,
            organization=_own_committee(user, c),
            agenda="议题一",
            adoption_rule=Session.AdoptionRule.NO_OBJECTION,
        ),
        done=lambda c: Session.objects.filter(title="matrix 议事会").exists(),
    ),
]

ROWS: list[Row] = SESSION_ROWS + INVITATION_ROWS + OTHER_ROWS

# --- budgets ---------------------------------------------------------------------------------


def _sessions(demo: Any, n: int) -> list[Session]:
    """``n`` more sessions shuji convened for 团结公寓 (bulk: rows, not steps)."""
    before = set(Session.objects.values_list("pk", flat=True))
    growth_sessions.grow_sessions(demo, n)
    return list(Session.objects.exclude(pk__in=before))


def session_tasks(demo: Any, n: int) -> None:
    """Sessions waiting for their chair (shuji) to open them, each inviting the five
    parties (whose organizations must reply: their tasks)."""
    parties = list(growth_sessions.demo_session(demo).invitations.values("party", "organization"))
    Invitation.objects.bulk_create(
        Invitation(session=session, party=p["party"], organization_id=p["organization"])
        for session in _sessions(demo, n)
        for p in parties
    )


def minutes_tasks(demo: Any, n: int) -> None:
    """Ended sessions whose draft minutes wait for the secretary."""
    ended = _sessions(demo, n)
    Session.objects.filter(pk__in=[s.pk for s in ended]).update(status=Session.Status.ENDED)
    Minutes.objects.bulk_create(Minutes(session=s, text="纪要草稿") for s in ended)


def _no_tasks(demo: Any, n: int) -> None:
    """Invitations waiting for a reply come with their sessions (``session_tasks``)."""


BUDGETS: dict[str, KindBudget] = {
    "session": KindBudget(growth_sessions.demo_session, budgets.grow_session, session_tasks),
    "invitation": KindBudget(
        growth_sessions.provider_invitation, growth_sessions.grow_firm_staff, _no_tasks
    ),
    "minutes": KindBudget(
        growth_sessions.draft_minutes, growth_sessions.grow_draft_minutes, minutes_tasks
    ),
}
