"""Role × object × action table for the session rules."""

from __future__ import annotations

import pytest

from deliberation import policy
from deliberation.models import Party, User

from .helpers import convene, opened, user

pytestmark = pytest.mark.django_db

# username -> expected (convene 团结公寓, manage, chair, participate, follow, ask)
TABLE = {
    "shuji": (True, True, True, True, True, False),
    "juwei": (True, False, False, True, True, False),
    "wuye": (False, False, False, True, True, False),
    "yeweihui": (False, False, False, True, True, True),
    "jumin": (False, False, False, True, True, True),
    "jiedao": (False, False, False, True, True, False),  # oversees, does not convene
    "shuji2": (False, False, False, False, False, False),
    "jumin2": (False, False, False, False, False, False),
    "fangguan": (False, False, False, False, False, False),
}


@pytest.mark.parametrize("username", sorted(TABLE))
def test_session_actions(demo, username) -> None:
    session = opened(demo)
    u = User.objects.get(username=username)
    got = (
        policy.can(u, "session.convene", demo.tuanjie),
        policy.can(u, "session.manage", session),
        policy.can(u, "session.chair", session),
        policy.can(u, "session.participate", session),
        policy.can(u, "session.follow", session),
        policy.can(u, "session.ask", session),
    )
    assert got == TABLE[username]


SPEAK = {
    "shuji": {Party.PARTY_ORG},
    "juwei": {Party.RESIDENTS_COMMITTEE},
    "wuye": {Party.PROVIDER},
    "yeweihui": {Party.OWNERS_BODY},
    "jumin": {Party.RESIDENTS_REPS},
    "jiedao": set(),
    "jumin2": set(),
}


@pytest.mark.parametrize("username", sorted(SPEAK))
def test_each_delegate_speaks_only_for_their_party(demo, username) -> None:
    session = opened(demo)
    u = user(username)
    allowed = {p for p in Party.values if policy.can(u, "session.speak", (session, p))}
    assert allowed == SPEAK[username]


@pytest.mark.parametrize(
    ("username", "party", "allowed"),
    [
        ("wuye", Party.PROVIDER, True),  # member of the invited firm
        ("wuye", Party.OWNERS_BODY, False),
        ("yeweihui", Party.OWNERS_BODY, True),
        ("jumin", Party.RESIDENTS_REPS, False),  # not named yet
        ("shuji", Party.RESIDENTS_REPS, True),  # the secretary, on the party's behalf
        ("shuji", Party.PROVIDER, True),
        ("jumin2", Party.PROVIDER, False),
    ],
)
def test_who_answers_an_invitation(demo, username, party, allowed) -> None:
    session = convene(demo)
    invitation = session.invitations.get(party=party)
    assert policy.can(user(username), "session.reply", invitation) is allowed


def test_anonymous_is_denied_everything(demo) -> None:
    from django.contrib.auth.models import AnonymousUser

    session = opened(demo)
    for action in ("manage", "chair", "participate", "follow", "ask"):
        assert not policy.can(AnonymousUser(), f"session.{action}", session)
