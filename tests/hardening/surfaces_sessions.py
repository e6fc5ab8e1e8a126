"""Permission-matrix surfaces of the sessions area: the real pages, fragments and writes that must
agree with its policy rules (used by the rows in ``matrix.py``).

Objects are sessions (``growth_sessions.demo_session`` / ``minuted_session``). A write
surface runs inside a savepoint that is rolled back: it first brings a fresh copy of the
session into the state the action needs (plain ORM: set-up, not the rule under test), then
POSTs as the role to the real endpoint (as htmx does), then checks: allowed → success and
the change stored; denied → 403 (anonymous: 302 to the login page), nothing changed and no
live event recorded. The next role finds the session as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Attendance,
    Event,
    Invitation,
    Membership,
    Minutes,
    Organization,
    OwnersVote,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
)

from .growth_sessions import present_all
from .surfaces import ROLES, Surface, denied_status


class _Rollback(Exception):
    pass


def _first_item(session: Session) -> AgendaItem:
    return session.items.order_by("order", "id").first()  # type: ignore[return-value]


# --- states (set up inside the surface's savepoint) ------------------------------------------


def st_convened(session: Session) -> Any:
    return None


def st_confirmed(session: Session) -> Any:
    Invitation.objects.filter(session=session).update(reply=Invitation.Reply.CONFIRMED)


def st_open(session: Session) -> Any:
    present_all(session)
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.OPEN, opened_at=timezone.now()
    )


def st_item(session: Session) -> AgendaItem:
    st_open(session)
    item = _first_item(session)
    AgendaItem.objects.filter(pk=item.pk).update(outcome=AgendaItem.Outcome.IN_DISCUSSION)
    Session.objects.filter(pk=session.pk).update(current_item=item)
    return item


def st_round(session: Session) -> Round:
    return Round.objects.create(item=st_item(session), number=1)


def st_voting(session: Session, *, voted: bool = False) -> Resolution:
    item = st_item(session)
    resolution = Resolution.objects.create(
        item=item,
        decision="更换2号楼电梯",
        responsible_party=Party.PROVIDER,
        responsible_organization_id=session.invitations.get(party=Party.PROVIDER).organization_id,
        deadline=timezone.localdate() + timedelta(days=30),
        acceptance_criteria="电梯通过验收",
        drafted_by=session.chair,
    )
    if voted:
        for party in Party.values:
            ResolutionVote.objects.create(
                resolution=resolution, party=party, choice="agree", author=session.chair
            )
    return resolution


def st_voted(session: Session) -> Resolution:
    return st_voting(session, voted=True)


def st_question(session: Session) -> Question:
    return Question.objects.create(
        session=session, author=User.objects.get(username="jumin"), text="电梯何时更换？"
    )


def st_ended(session: Session) -> Minutes:
    from deliberation.services.sessions.minutes import generate_minutes

    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.ENDED, ended_at=timezone.now()
    )
    return generate_minutes(session=Session.objects.get(pk=session.pk))


# --- the POST surface ------------------------------------------------------------------------


def _refused(role: str, response: Any, about: Any = None) -> str | None:
    """None when the response is the refusal the role must get (``denied_status``: 404
    where the role may not know the session exists), else what went wrong."""
    if role == "anonymous":
        if response.status_code == 302 and "/login/" in response.get("Location", ""):
            return None
        return f"anonymous got {response.status_code}, not a redirect to the login page"
    refused = denied_status(role, about)
    if response.status_code in refused:
        return None
    return f"got {response.status_code}, not {refused[0]}"


def post(
    name: str,
    url: Callable[[Session, Any], str],
    *,
    state: Callable[[Session], Any] = st_convened,
    data: Callable[[Any, str, Session, Any], dict[str, Any]] | None = None,
    stored: Callable[[Session, Any], bool],
    success: tuple[int, ...] = (200,),
) -> Surface:
    """POST ``url(session, state)`` as the role with ``data(demo, role, session, state)``;
    ``stored(session, state)`` says whether the action's change is in the database."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        try:
            with transaction.atomic():
                session = Session.objects.get(pk=obj.pk)
                prepared = state(session)
                session = Session.objects.get(pk=obj.pk)
                assert not stored(session, prepared), f"{name}: set-up already has the change"
                events = Event.objects.count()
                response = client.post(
                    url(session, prepared),
                    data(demo, role, session, prepared) if data else {},
                    HTTP_HX_REQUEST="true",
                )
                session = Session.objects.get(pk=obj.pk)
                changed = stored(session, prepared)
                if allowed:
                    assert response.status_code in success, (
                        f"{name}: {role} got {response.status_code}: "
                        f"{response.content.decode()[:300]}"
                    )
                    assert changed, f"{name}: {role} was answered but nothing was stored"
                else:
                    problem = _refused(role, response, session)
                    assert problem is None, f"{name}: {role} {problem}"
                    assert not changed, f"{name}: {role} was refused but the change is STORED"
                    assert Event.objects.count() == events, f"{name}: {role}: an event leaked"
                raise _Rollback
        except _Rollback:
            pass

    check.__name__ = f"POST {name}"
    return check


def _url(name: str) -> Callable[[Session, Any], str]:
    """The session's step ``name`` (``deliberation.actions.sessions``)."""
    return lambda session, state: reverse("action", args=["session", session.pk, name])


def _party_url(name: str, party: str) -> Callable[[Session, Any], str]:
    """The step ``name`` on a party's invitation (``deliberation.actions.invitations``)."""

    def url(session: Session, state: Any) -> str:
        invitation = session.invitations.get(party=party)
        return reverse("action", args=["invitation", invitation.pk, name])

    return url


def _fields(name: str, **values: Any) -> dict[str, Any]:
    return {f"{name}-{key}": value for key, value in values.items()}


def _item_data(pick: Callable[[Session], AgendaItem], name: str) -> Callable[..., dict[str, Any]]:
    return lambda demo, role, session, state: _fields(name, item=pick(session).pk)


def _outcome(pick: Callable[[Session], AgendaItem], outcome: str) -> Callable[..., bool]:
    return lambda session, state: AgendaItem.objects.get(pk=pick(session).pk).outcome == outcome


def _last_item(session: Session) -> AgendaItem:
    return session.items.order_by("-order", "-id").first()  # type: ignore[return-value]


def _second_item(session: Session) -> AgendaItem:
    return list(session.items.order_by("order", "id"))[1]


# chair -------------------------------------------------------------------------------------

open_session_post = post(
    "session open",
    _url("open"),
    state=st_confirmed,
    stored=lambda s, st: s.status == Session.Status.OPEN,
)
open_item_post = post(
    "session open_item",
    _url("open_item"),
    state=st_open,
    data=_item_data(_first_item, "open_item"),
    stored=lambda s, st: s.current_item_id == _first_item(s).pk,
)
open_round_post = post(
    "session open_round",
    _url("open_round"),
    state=st_item,
    stored=lambda s, item: Round.objects.filter(item=item).exists(),
)
close_round_post = post(
    "session close_round",
    _url("close_round"),
    state=st_round,
    stored=lambda s, rnd: Round.objects.get(pk=rnd.pk).status == Round.Status.CLOSED,
)
propose_post = post(
    "session propose",
    _url("propose"),
    state=st_item,
    data=lambda demo, role, s, item: _fields(
        "propose",
        decision=f"matrix {role}",
        responsible_party=Party.PROVIDER,
        deadline=(timezone.localdate() + timedelta(days=30)).isoformat(),
        acceptance_criteria="验收",
    ),
    stored=lambda s, item: Resolution.objects.filter(item=item).exists(),
)
decide_post = post(
    "session decide",
    _url("decide"),
    state=st_voted,
    stored=lambda s, r: Resolution.objects.get(pk=r.pk).status != Resolution.Status.VOTING,
)
countdown_post = post(
    "session countdown",
    _url("countdown"),
    state=st_open,
    data=lambda demo, role, s, st: _fields("countdown", party=Party.PROVIDER, seconds="60"),
    stored=lambda s, st: s.speaker_party == Party.PROVIDER and s.speaker_until is not None,
)
moderate_post = post(
    "session moderate",
    _url("moderate"),
    state=st_question,
    data=lambda demo, role, s, q: _fields("moderate", question=q.pk, take_up="yes"),
    stored=lambda s, q: Question.objects.get(pk=q.pk).status == Question.Status.TAKEN_UP,
)
defer_post = post(
    "session defer",
    _url("defer"),
    data=_item_data(_last_item, "defer"),
    stored=_outcome(_last_item, AgendaItem.Outcome.DEFERRED),
)
refer_post = post(
    "session refer",
    _url("refer"),
    state=st_open,
    data=_item_data(_second_item, "refer"),
    stored=lambda s, st: (
        _outcome(_second_item, AgendaItem.Outcome.REFERRED)(s, st)
        and OwnersVote.objects.filter(title=_second_item(s).title).exists()
    ),
)
end_post = post(
    "session end",
    _url("end"),
    state=st_open,
    stored=lambda s, st: (
        s.status == Session.Status.ENDED and Minutes.objects.filter(session=s).exists()
    ),
)

# secretary ---------------------------------------------------------------------------------

add_item_post = post(
    "session add_item",
    _url("add_item"),
    data=lambda demo, role, s, st: _fields(
        "add_item", title="matrix: 新议题", time_budget_minutes="10"
    ),
    stored=lambda s, st: s.items.filter(title="matrix: 新议题").exists(),
)


reorder_post = post(
    "session reorder",
    _url("reorder"),
    state=lambda s: _second_item(s).pk,
    data=lambda demo, role, s, moved: _fields("reorder", item=moved, direction="up"),
    stored=lambda s, moved: _first_item(s).pk == moved,
)
attendance_post = post(
    "session attendance",
    _url("attendance"),
    state=st_open,
    data=lambda demo, role, s, st: _fields("attendance", party=Party.PROVIDER, present="no"),
    stored=lambda s, st: not Attendance.objects.get(session=s, party=Party.PROVIDER).present,
)
edit_minutes_post = post(
    "minutes edit",
    lambda s, m: reverse("action", args=["minutes", m.pk, "edit"]),
    state=st_ended,
    data=lambda demo, role, s, m: _fields("edit", text=f"matrix 纪要 {role}"),
    stored=lambda s, m: Minutes.objects.get(pk=m.pk).text.startswith("matrix 纪要"),
)
publish_post = post(
    "minutes publish",
    lambda s, m: reverse("action", args=["minutes", m.pk, "publish"]),
    state=st_ended,
    stored=lambda s, m: Minutes.objects.get(pk=m.pk).status == Minutes.Status.PUBLISHED,
)


def draft_minutes_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The draft minutes (and their editor) only for the secretary: followers get 404 (a
    draft is not announced), and so does everyone else (they may not know the session
    exists), anonymous the login page."""
    try:
        with transaction.atomic():
            session = Session.objects.get(pk=obj.pk)
            st_ended(session)
            for url in (
                reverse("session-minutes", args=[obj.pk]),
                reverse("session-minutes-text", args=[obj.pk]),
            ):
                response = client.get(url)
                if allowed:
                    assert response.status_code == 200, (role, url, response.status_code)
                    if url.endswith("/minutes/"):
                        assert 'data-action="publish"' in response.content.decode(), role
                elif role == "anonymous":
                    assert response.status_code == 302, (role, url, response.status_code)
                else:
                    assert response.status_code == 404, (role, url, response.status_code)
            raise _Rollback
    except _Rollback:
        pass


# delegates ---------------------------------------------------------------------------------


def position_post(party: str) -> Surface:
    return post(
        f"invitation speak ({party})",
        _party_url("speak", party),
        state=st_round,
        data=lambda demo, role, s, rnd: _fields("speak", stance="support", statement="同意"),
        stored=lambda s, rnd: Position.objects.filter(round=rnd, party=party).exists(),
    )


def vote_post(party: str) -> Surface:
    return post(
        f"invitation vote ({party})",
        _party_url("vote", party),
        state=st_voting,
        data=lambda demo, role, s, r: _fields("vote", choice="agree"),
        stored=lambda s, r: ResolutionVote.objects.filter(resolution=r, party=party).exists(),
    )


# invitations -------------------------------------------------------------------------------

#: party → the delegates a reply names (residents' representatives: two residents, so that
#: the change shows while jumin, named already, keeps the right to answer).
NAMED = {
    Party.PARTY_ORG: ["shuji"],
    Party.RESIDENTS_COMMITTEE: ["juwei"],
    Party.PROVIDER: ["wuye"],
    Party.OWNERS_BODY: ["yeweihui"],
    Party.RESIDENTS_REPS: ["jumin", "yeweihui"],
}


def _unnamed(party: str) -> Callable[[Session], Any]:
    def prepare(session: Session) -> Any:
        if party != Party.RESIDENTS_REPS:  # the organization answers; clear its list
            session.invitations.get(party=party).delegates.clear()

    return prepare


def _named(party: str) -> Callable[[Session, Any], bool]:
    def stored(session: Session, state: Any) -> bool:
        names = session.invitations.get(party=party).delegates.values_list("username", flat=True)
        return sorted(names) == sorted(NAMED[party])

    return stored


def delegates_post(party: str) -> Surface:
    return post(
        f"invitation delegates ({party})",
        _party_url("delegates", party),
        state=_unnamed(party),
        data=lambda demo, role, s, st: _fields(
            "delegates",
            delegates=list(
                User.objects.filter(username__in=NAMED[party]).values_list("pk", flat=True)
            ),
        ),
        stored=_named(party),
    )


def _pending(party: str) -> Callable[[Session], Any]:
    def prepare(session: Session) -> Any:
        session.invitations.filter(party=party).update(
            reply=Invitation.Reply.PENDING, replied_by=None, replied_at=None
        )

    return prepare


def reply_post(party: str) -> Surface:
    return post(
        f"invitation accept ({party})",
        _party_url("accept", party),
        state=_pending(party),
        stored=lambda s, st: s.invitations.get(party=party).reply == Invitation.Reply.CONFIRMED,
    )


# residents ---------------------------------------------------------------------------------

ask_post = post(
    "session ask",
    _url("ask"),
    data=lambda demo, role, s, st: _fields("ask", text=f"matrix 提问 {role}"),
    stored=lambda s, st: s.questions.filter(text__startswith="matrix 提问").exists(),
)


# convene -----------------------------------------------------------------------------------


def _convening_org(role: str, compound: Any) -> int:
    """The role's own Party or residents' committee (others: the compound's community's)."""
    username = ROLES[role]
    kinds = [Organization.Kind.PARTY_COMMITTEE, Organization.Kind.RESIDENTS_COMMITTEE]
    own = Membership.objects.filter(
        user__username=username, active=True, organization__kind__in=kinds
    ).values_list("organization_id", flat=True)
    if username and own:
        return own[0]
    return Organization.objects.get(kind=kinds[0], community_id=compound.community_id).pk


def convene_post(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """POST the convene form for the compound (``obj``), as the role's own committee."""
    title = f"matrix 议事会 {role}"
    try:
        with transaction.atomic():
            response = client.post(
                reverse("action", args=["compound", obj.pk, "convene"]),
                _fields(
                    "convene",
                    title=title,
                    starts_at=(timezone.localtime() + timedelta(days=3))
                    .replace(second=0, microsecond=0, tzinfo=None)
                    .isoformat(),
                    place="会议室",
                    compound=obj.pk,
                    organization=_convening_org(role, obj),
                    agenda="议题一",
                    adoption_rule=Session.AdoptionRule.NO_OBJECTION,
                ),
            )
            created = Session.objects.filter(title=title, compounds=obj).exists()
            if allowed:
                assert response.status_code == 302, (role, response.status_code)
                assert created, f"{role}: convened but no session stored"
            else:
                problem = _refused(role, response)
                assert problem is None, f"convene: {role} {problem}"
                assert not created, f"convene: {role} was refused but the session is STORED"
            raise _Rollback
    except _Rollback:
        pass


def convene_form_offers(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The convene page leads to the compound's convene step exactly for those who may
    convene for it (one compound: straight to its form; several: a list)."""
    response = client.get(reverse("session-convene"), follow=True)
    if response.status_code != 200:
        assert not allowed, (role, response.status_code)
        return
    step = reverse("action", args=["compound", obj.pk, "convene"])
    offered = response.wsgi_request.path == step or f'href="{step}"' in response.content.decode()
    assert offered is allowed, role


# pages, fragments and controls -------------------------------------------------------------


def _get(url: Callable[[Session], str], *, strict: bool = True) -> Surface:
    """GET: 200 when allowed; else 403 (``strict=False``: or a redirect to the public view,
    the room's answer to someone who may only follow), anonymous to the login page."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        response = client.get(url(obj))
        if allowed:
            assert response.status_code == 200, (role, url(obj), response.status_code)
            return
        public = reverse("session-public", args=[obj.pk])
        if not strict and role != "anonymous" and response.status_code == 302:
            assert response["Location"] == public, (role, response["Location"])
            return
        problem = _refused(role, response, obj)
        assert problem is None, (role, url(obj), problem)

    check.__name__ = f"GET {url.__name__}"
    return check


def _named_url(name: str, *extra: str) -> Callable[[Session], str]:
    def url(session: Session) -> str:
        return reverse(name, args=[session.pk, *extra])

    url.__name__ = name if not extra else f"{name} {'/'.join(extra)}"
    return url


room_page = _get(_named_url("session-room"), strict=False)
public_page = _get(_named_url("session-public"))
room_board = _get(_named_url("session-board", "room"))
public_board = _get(_named_url("session-board", "public"))
ics = _get(_named_url("session-ics", Party.PROVIDER))
minutes_page = _get(_named_url("session-minutes"))
minutes_text = _get(_named_url("session-minutes-text"))


def other_board(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """A board of an audience that does not exist: 404 for everyone signed in."""
    response = client.get(reverse("session-board", args=[obj.pk, "staff"]))
    expected = 302 if role == "anonymous" else 404
    assert response.status_code == expected, (role, response.status_code)


def listed(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The session list links the session exactly for those who may follow it."""
    response = client.get(reverse("session-list"))
    if role == "anonymous":
        assert response.status_code == 302, response.status_code
        return
    assert response.status_code == 200, (role, response.status_code)
    link = f'href="{reverse("session-room", args=[obj.pk])}"'
    assert (link in response.content.decode()) is allowed, role


def shown_on(page_name: str, marker: Callable[[Any], str]) -> Callable[..., Surface]:
    def surface(name: str) -> Surface:
        def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
            response = client.get(reverse(page_name, args=[obj.pk]))
            if response.status_code != 200:
                assert not allowed, (role, page_name, response.status_code)
                return
            assert (marker(obj) in response.content.decode()) is allowed, (role, name)

        check.__name__ = f"{name} shown on {page_name}"
        return check

    return surface


chair_controls = shown_on("session-room", lambda s: f'id="session-defer-{s.pk}"')("chair controls")
secretary_controls = shown_on("session-room", lambda s: f'id="session-add_item-{s.pk}"')(
    "secretary controls"
)
ask_form = shown_on("session-public", lambda s: f'id="session-ask-{s.pk}"')("question form")


def speak_controls(party: str) -> Surface:
    return shown_on("session-room", lambda s: f'id="speak-{party}"')(f"speak for {party}")


def reply_controls(party: str) -> Surface:
    """The party's own controls (``GET /invitation/<id>/controls/``, what its pages draw
    and fetch again) offer its delegates exactly to those who may answer for it."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        invitation = Invitation.objects.get(session_id=obj.pk, party=party)
        response = client.get(reverse("action-controls", args=["invitation", invitation.pk]))
        if response.status_code != 200:
            assert not allowed, (role, response.status_code)
            return
        marker = f'id="invitation-delegates-{invitation.pk}"'
        assert (marker in response.content.decode()) is allowed, (role, party)

    check.__name__ = f"invitation of {party} controls"
    return check
