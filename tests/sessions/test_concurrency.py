"""Concurrency on PostgreSQL: five parties posting at once are all recorded with no lock
error; two closes of one round end with exactly one winner and a 409 for the other."""

from __future__ import annotations

import pytest
from django.db import connection

from deliberation.models import Party, Position, Round
from deliberation.services import sessions as services
from deliberation.services.sessions import SessionConflict
from tests.concurrency import run_together

from .helpers import DELEGATES, opened, user

pytestmark = pytest.mark.django_db(transaction=True)


def test_database_is_postgresql(tdemo) -> None:
    assert connection.vendor == "postgresql"


def test_five_positions_at_once_are_all_recorded(tdemo) -> None:
    session = opened(tdemo)
    session.auto_close_rounds = False
    session.save(update_fields=["auto_close_rounds"])
    services.open_item(actor=user("shuji"), item=session.items.first())
    actors = {party: user(name) for party, name in DELEGATES.items()}
    for _attempt in range(3):  # three rounds, three races
        rnd = services.open_round(actor=user("shuji"), session=session)
        results = run_together(
            [
                (
                    lambda p=party: services.state_position(
                        actor=actors[p], session=session, party=p, stance="support", statement=p
                    )
                )
                for party in DELEGATES
            ]
        )
        assert [r for r in results if isinstance(r, Exception)] == []
        assert sorted(rnd.positions.values_list("party", flat=True)) == sorted(DELEGATES)
        services.close_round(actor=user("shuji"), round=rnd)


def test_five_positions_at_once_close_the_round_exactly_once(tdemo) -> None:
    session = opened(tdemo)  # auto-close on: the last of the five closes the round
    services.open_item(actor=user("shuji"), item=session.items.first())
    services.open_round(actor=user("shuji"), session=session)
    actors = {party: user(name) for party, name in DELEGATES.items()}
    results = run_together(
        [
            (
                lambda p=party: services.state_position(
                    actor=actors[p], session=session, party=p, stance="oppose"
                )
            )
            for party in DELEGATES
        ]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    rnd = Round.objects.get(item__session=session)
    assert rnd.status == Round.Status.CLOSED and rnd.positions.count() == 5


def test_the_same_party_amending_twice_at_once_keeps_one_row(tdemo) -> None:
    session = opened(tdemo)
    services.open_item(actor=user("shuji"), item=session.items.first())
    services.open_round(actor=user("shuji"), session=session)
    wuye = user("wuye")
    results = run_together(
        [
            (
                lambda s=stance: services.state_position(
                    actor=wuye, session=session, party=Party.PROVIDER, stance=s
                )
            )
            for stance in ("support", "oppose", "no_position", "support_with_conditions")
        ]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert Position.objects.filter(party=Party.PROVIDER).count() == 1


def test_two_closes_of_one_round_have_exactly_one_winner(tdemo) -> None:
    session = opened(tdemo)
    services.open_item(actor=user("shuji"), item=session.items.first())
    chair = user("shuji")
    for _attempt in range(3):
        rnd = services.open_round(actor=chair, session=session)
        results = run_together(
            [lambda r=rnd: services.close_round(actor=chair, round=r) for _ in range(2)]
        )
        wins = [r for r in results if isinstance(r, Round)]
        losses = [r for r in results if isinstance(r, SessionConflict)]
        assert len(wins) == 1 and len(losses) == 1, results
        assert "已经结束" in str(losses[0]) or "already closed" in str(losses[0])
        rnd.refresh_from_db()
        assert rnd.status == Round.Status.CLOSED


def test_a_position_racing_a_close_is_either_in_the_round_or_refused(tdemo) -> None:
    session = opened(tdemo)
    services.open_item(actor=user("shuji"), item=session.items.first())
    rnd = services.open_round(actor=user("shuji"), session=session)
    chair, wuye = user("shuji"), user("wuye")
    results = run_together(
        [
            lambda: services.close_round(actor=chair, round=rnd),
            lambda: services.state_position(
                actor=wuye, session=session, party=Party.PROVIDER, stance="support"
            ),
        ]
    )
    assert isinstance(results[0], Round)
    if isinstance(results[1], Exception):
        assert isinstance(results[1], SessionConflict)
        assert not Position.objects.filter(round=rnd).exists()
    else:
        position = Position.objects.get(round=rnd)
        rnd.refresh_from_db()
        assert position.updated_at <= rnd.closed_at


def test_five_parties_confirming_at_once_all_reach_the_join(tdemo) -> None:
    """Replies complete parallel flow tasks under the process lock (select_for_update,
    retried): five at once must all land and let the Join through."""
    from viewflow.workflow.status import STATUS

    from deliberation.models import Invitation
    from deliberation.services.sessions import name_delegates
    from workflows import sessions as flow
    from workflows.sessions import SessionFlow

    from .helpers import convene

    session = convene(tdemo)
    actors = {}
    for party, username in DELEGATES.items():
        actor = user("shuji") if party == Party.RESIDENTS_REPS else user(username)
        inv = session.invitations.get(party=party)
        name_delegates(actor=actor, invitation=inv, delegates=[user(username)])
        actors[party] = (actor, inv)
    results = run_together(
        [
            (lambda a=actor, i=inv: flow.reply(actor=a, invitation=i, attending=True))
            for actor, inv in actors.values()
        ]
    )
    assert [r for r in results if isinstance(r, Exception)] == []
    assert set(session.invitations.values_list("reply", flat=True)) == {Invitation.Reply.CONFIRMED}
    process = flow.process_of(session)
    assert process.task_set.filter(flow_task=SessionFlow.open, status=STATUS.NEW).count() == 1
