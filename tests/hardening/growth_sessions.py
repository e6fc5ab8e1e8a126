"""Query-budget helpers of the sessions area: how to make the rows its pages and fragments list
grow, and the transitions that push its fragments (used by ``budgets.py``).

Also the sessions the permission matrix and the budgets share: the demo session of 团结公寓
(convened, five delegates) and a session of 团结公寓 whose minutes are published (made here,
idempotently, since the demo has none)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Attendance,
    Compound,
    Invitation,
    Minutes,
    Organization,
    Party,
    Resolution,
    Session,
    User,
)

MINUTED_TITLE = "团结公寓议事协商会（纪要已发布，测试）"


def demo_session(demo: Any = None) -> Session:
    from deliberation.demo.sessions import TITLE

    return Session.objects.get(title=TITLE)


def minuted_session(demo: Any = None) -> Session:
    """A session of 团结公寓 that has ended with its minutes published. Only the Party
    organization (shuji, chair and secretary) and the residents' committee (juwei) named
    delegates, so residents and the firm follow it without taking part in its room."""
    from deliberation.services import sessions as services
    from deliberation.services.sessions import minutes as minutes_services

    existing = Session.objects.filter(title=MINUTED_TITLE).first()
    if existing is not None:
        return existing
    shuji = User.objects.get(username="shuji")
    session = services.convene_session(
        convener=shuji,
        organization=Organization.objects.get(name="团结湖中路社区党委"),
        compounds=[Compound.objects.get(name="团结公寓")],
        title=MINUTED_TITLE,
        starts_at=timezone.now() - timedelta(hours=2),
        place="团结湖中路社区居委会二楼会议室",
        agenda=[{"title": "楼道堆物清理"}],
        required_parties=[Party.PARTY_ORG, Party.RESIDENTS_COMMITTEE],
    )
    for party, username in ((Party.PARTY_ORG, "shuji"), (Party.RESIDENTS_COMMITTEE, "juwei")):
        invitation = Invitation.objects.get(session=session, party=party)
        delegate = User.objects.get(username=username)
        services.name_delegates(actor=shuji, invitation=invitation, delegates=[delegate])
        services.reply_to_invitation(actor=shuji, invitation=invitation, attending=True)
    services.open_session(actor=shuji, session=session)
    services.end_session(actor=shuji, session=session)
    minutes_services.publish_minutes(actor=shuji, session=session)
    return session


def ended_session(demo: Any, *, title: str = "团结公寓议事协商会（纪要草稿，测试）") -> Session:
    """A session of 团结公寓 that has ended, its minutes still a draft (idempotent)."""
    from deliberation.services import sessions as services

    existing = Session.objects.filter(title=title).first()
    if existing is not None:
        return existing
    shuji = User.objects.get(username="shuji")
    session = services.convene_session(
        convener=shuji,
        organization=Organization.objects.get(name="团结湖中路社区党委"),
        compounds=[Compound.objects.get(name="团结公寓")],
        title=title,
        starts_at=timezone.now() - timedelta(hours=2),
        place="团结湖中路社区居委会二楼会议室",
        agenda=[{"title": "楼道堆物清理"}],
        required_parties=[Party.PARTY_ORG],
    )
    invitation = Invitation.objects.get(session=session, party=Party.PARTY_ORG)
    services.name_delegates(actor=shuji, invitation=invitation, delegates=[shuji])
    services.reply_to_invitation(actor=shuji, invitation=invitation, attending=True)
    services.open_session(actor=shuji, session=session)
    services.end_session(actor=shuji, session=session)
    return session


# --- growing the rows ------------------------------------------------------------------------


def grow_sessions(demo: Any, n: int) -> None:
    """Sessions of 团结公寓 (中路 community): the list shows them to its parties and residents."""
    t = demo.tuanjie
    shuji = User.objects.get(username="shuji")
    org = Organization.objects.get(name="团结湖中路社区党委")
    start = Session.objects.count()
    sessions = Session.objects.bulk_create(
        Session(
            title=f"预算议事会{start + i}",
            community_id=t.community_id,
            convener=shuji,
            convening_organization=org,
            chair=shuji,
            starts_at=timezone.now() + timedelta(days=1, minutes=i),
            place="会议室",
        )
        for i in range(n)
    )
    Session.compounds.through.objects.bulk_create(
        Session.compounds.through(session_id=s.pk, compound_id=t.pk) for s in sessions
    )


def _items_and_resolutions(session: Session, n: int) -> None:
    last = AgendaItem.objects.filter(session=session).order_by("-order").first()
    first = (last.order if last else 0) + 1
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            session=session,
            order=first + i,
            title=f"预算议题{first + i}",
            outcome=AgendaItem.Outcome.ADOPTED,
        )
        for i in range(n)
    )
    provider = session.invitations.get(party=Party.PROVIDER).organization_id
    shuji = User.objects.get(username="shuji")
    Resolution.objects.bulk_create(
        Resolution(
            item=item,
            decision=f"决议{item.order}",
            responsible_party=Party.PROVIDER,
            responsible_organization_id=provider,
            deadline=date.today() + timedelta(days=30),
            acceptance_criteria="验收",
            status=Resolution.Status.ADOPTED,
            drafted_by=shuji,
        )
        for item in items
    )


def grow_minutes(demo: Any, n: int) -> None:
    """Agenda items decided by resolutions in the session whose minutes are published."""
    _items_and_resolutions(minuted_session(demo), n)


def grow_draft_minutes(demo: Any, n: int) -> None:
    """Agenda items decided by resolutions in the ended session with draft minutes."""
    _items_and_resolutions(ended_session(demo), n)


def grow_waiting_issues(demo: Any, n: int) -> None:
    """Issues of 团结公寓 triaged to wait for a session (the convene form offers them)."""
    from deliberation.models import Issue

    jumin, compound = demo.user("jumin"), demo.tuanjie
    Issue.objects.bulk_create(
        Issue(
            reporter=jumin,
            channel=Issue.Channel.WEB,
            description=f"等待议事{i}",
            compound=compound,
            status=Issue.Status.AWAITING_SESSION,
        )
        for i in range(n)
    )


def grow_agenda(demo: Any, n: int) -> None:
    """Agenda items of the demo session (the invitation's .ics lists them)."""
    session = demo_session(demo)
    start = AgendaItem.objects.filter(session=session).count() + 100
    AgendaItem.objects.bulk_create(
        AgendaItem(session=session, order=start + i, title=f"预算议题{i}") for i in range(n)
    )


def grow_firm_staff(demo: Any, n: int) -> None:
    """Staff of 京朝物业 (the provider's invitation offers each as a delegate)."""
    from deliberation.models import Membership

    firm = demo.tuanjie.property_provider
    start = User.objects.count()
    users = User.objects.bulk_create(User(username=f"budget-staff-{start + i}") for i in range(n))
    Membership.objects.bulk_create(
        Membership(user=u, organization=firm, role=Membership.Role.STAFF) for u in users
    )


# --- URLs ------------------------------------------------------------------------------------


def controls_url(kind: str, pick: Any) -> Any:
    """The controls a page fetches again after a push, for the thing ``pick(demo)``."""
    return lambda demo: reverse("action-controls", args=[kind, pick(demo).pk])


def provider_invitation(demo: Any) -> Invitation:
    return demo_session(demo).invitations.get(party=Party.PROVIDER)


def draft_minutes(demo: Any) -> Minutes:
    return Minutes.objects.get(session=ended_session(demo))


def minutes_url(demo: Any) -> str:
    return reverse("session-minutes", args=[minuted_session(demo).pk])


def draft_minutes_url(demo: Any) -> str:
    return reverse("session-minutes", args=[ended_session(demo).pk])


def ics_url(demo: Any) -> str:
    return reverse("session-ics", args=[demo_session(demo).pk, Party.PROVIDER])


# --- transitions that push fragments ---------------------------------------------------------


def edit_minutes(demo: Any, i: int) -> Minutes:
    """The secretary edits the draft minutes: pushes ``sessions/_minutes_status.html`` to the
    room and to the public."""
    from deliberation.services.sessions.minutes import edit_minutes as service

    return service(
        actor=User.objects.get(username="shuji"),
        session=ended_session(demo),
        text=f"纪要修订第{i}稿",
    )


def present_all(session: Session) -> None:
    """Every party confirmed and present (ORM: a test's set-up, not the rule under test)."""
    Invitation.objects.filter(session=session).update(reply=Invitation.Reply.CONFIRMED)
    for party in Party.values:
        Attendance.objects.update_or_create(
            session=session, party=party, defaults={"present": True}
        )
