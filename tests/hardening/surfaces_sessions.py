"""Permission-matrix surfaces of the sessions area: the real pages, boards and controls that
must agree with its policy rules (used by the rows in ``matrix.py``), and the set-ups that
bring a session into each phase (plain ORM: set-up, not the rule under test).

The steps themselves (open, a round, a position, the minutes…) are declared in the action
registry and taken by every role, in the phases where they are and are not possible, by
``test_action_matrix.py`` (rows in ``tests/hardening/actions/sessions.py``).
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
    Invitation,
    Minutes,
    Party,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
)

from .growth_sessions import present_all
from .surfaces import Surface, denied_status


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


# chair -------------------------------------------------------------------------------------


# secretary ---------------------------------------------------------------------------------


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


# invitations -------------------------------------------------------------------------------

#: party → the delegates a reply names (residents' representatives: two residents, so that
#: the change shows while jumin, named already, keeps the right to answer).


# residents ---------------------------------------------------------------------------------


# convene -----------------------------------------------------------------------------------


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
minutes_pdf = _get(_named_url("session-minutes-pdf"))


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


def known_controls(kind: str, pick: Callable[[Session], Any]) -> Surface:
    """The controls of a session's invitation or minutes: whoever may know the session gets
    them (200, perhaps without a step), anyone else the 404 a missing id gets."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        thing = pick(Session.objects.get(pk=obj.pk))
        response = client.get(reverse("action-controls", args=[kind, thing.pk]))
        if role == "anonymous":
            assert response.status_code == 302, (role, response.status_code)
            return
        expected = 200 if allowed else 404
        assert response.status_code == expected, (kind, role, response.status_code)

    check.__name__ = f"controls of the {kind}"
    return check


def provider_invitation(session: Session) -> Any:
    return session.invitations.get(party=Party.PROVIDER)


def minutes_of(session: Session) -> Any:
    return Minutes.objects.get(session=session)
