"""The whole session process: convene → invite → confirm → open → rounds → resolution →
assignment → minutes, plus deferral and the quorum-of-parties rule."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from viewflow.workflow.status import PROCESS, STATUS

from deliberation.models import (
    AgendaItem,
    Announcement,
    Attendance,
    Invitation,
    Minutes,
    Party,
    Position,
    Resolution,
    Round,
    Session,
)
from deliberation.services import sessions as services
from deliberation.services.sessions import SessionConflict
from deliberation.services.sessions import minutes as minutes_services
from workflows import sessions as flow
from workflows.sessions import SessionFlow

from .helpers import DELEGATES, confirm, convene, invitation, opened, speak_all, user

pytestmark = pytest.mark.django_db


def test_convene_invites_all_five_parties_as_parallel_tasks(demo) -> None:
    session = convene(demo)
    assert session.status == Session.Status.CONVENED
    assert [i.title for i in session.items.order_by("order")] == ["电梯更新", "公共收益使用规则"]
    invitations = {i.party: i for i in session.invitations.select_related("organization")}
    assert set(invitations) == set(Party.values)
    assert invitations[Party.PROVIDER].organization == demo.tuanjie.property_provider
    assert invitations[Party.OWNERS_BODY].organization == demo.tuanjie.owners_committee
    process = flow.process_of(session)
    pending = set(process.task_set.filter(status=STATUS.NEW).values_list("flow_task", flat=True))
    assert pending == {getattr(SessionFlow, n) for n in flow.REPLY_NODES.values()}


def test_full_session_from_convening_to_published_minutes(demo) -> None:
    session = convene(demo)
    confirm(session)
    process = flow.process_of(session)
    assert process.task_set.filter(flow_task=SessionFlow.open, status=STATUS.NEW).exists()
    session = flow.open_session(actor=user("shuji"), session=session)
    assert session.status == Session.Status.OPEN
    assert Attendance.objects.filter(session=session, present=True).count() == 5

    item = session.items.get(order=1)
    services.open_item(actor=user("shuji"), item=item)
    services.open_round(actor=user("shuji"), session=session)
    speak_all(session, stance="support_with_conditions")
    first = Round.objects.get(item=item, number=1)
    assert first.status == Round.Status.CLOSED  # every present party spoke
    services.open_round(actor=user("shuji"), session=session)
    speak_all(session)
    assert Round.objects.filter(item=item, status=Round.Status.CLOSED).count() == 2

    resolution = services.propose_resolution(
        actor=user("shuji"),
        session=session,
        decision="更换2号楼电梯，物业牵头实施",
        responsible_party=Party.PROVIDER,
        cooperating_parties=[Party.OWNERS_BODY],
        deadline=timezone.localdate() + timedelta(days=60),
        acceptance_criteria="电梯通过特种设备检验",
    )
    assert resolution.responsible_organization == demo.tuanjie.property_provider
    for party, username in DELEGATES.items():
        services.vote_on_resolution(
            actor=user(username), session=session, party=party, choice="agree"
        )
    resolution = services.decide_resolution(actor=user("shuji"), resolution=resolution)
    assert resolution.status == Resolution.Status.ADOPTED
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.ADOPTED

    second = session.items.get(order=2)
    services.open_item(actor=user("shuji"), item=second)
    services.defer_item(actor=user("shuji"), item=second)

    flow.end_session(actor=user("shuji"), session=session)
    minutes = Minutes.objects.get(session=session)
    assert "更换2号楼电梯" in minutes.text and "第1轮" in minutes.text
    assert "京朝物业" in minutes.text and "同意" in minutes.text
    minutes_services.edit_minutes(
        actor=user("shuji"), session=session, text=minutes.text + "\n补充说明"
    )
    flow.publish_minutes(actor=user("shuji"), session=session)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED
    assert Announcement.objects.filter(compound=demo.tuanjie, title__contains="纪要").exists()
    with pytest.raises(SessionConflict):
        minutes_services.edit_minutes(actor=user("shuji"), session=session, text="改")
    assert flow.process_of(session).status == PROCESS.DONE


def test_quorum_rule_requires_convener_provider_and_residents_representative(demo) -> None:
    session = convene(demo)
    confirm(session, parties=[Party.PARTY_ORG, Party.RESIDENTS_COMMITTEE, Party.OWNERS_BODY])
    with pytest.raises(SessionConflict, match="物业服务人"):
        flow.open_session(actor=user("shuji"), session=session)
    session.refresh_from_db()
    assert session.status == Session.Status.CONVENED
    assert not Attendance.objects.filter(session=session).exists()
    confirm(session, parties=[Party.PROVIDER, Party.RESIDENTS_REPS])
    assert flow.open_session(actor=user("shuji"), session=session).status == "open"


def test_parties_that_never_reply_do_not_block_opening(demo) -> None:
    session = convene(demo)
    confirm(session, parties=[Party.PARTY_ORG, Party.PROVIDER, Party.RESIDENTS_REPS])
    services.name_delegates(
        actor=user("yeweihui"),
        invitation=invitation(session, Party.OWNERS_BODY),
        delegates=[user("yeweihui")],
    )
    session = flow.open_session(actor=user("shuji"), session=session)
    assert invitation(session, Party.OWNERS_BODY).reply == Invitation.Reply.NO_REPLY
    present = set(Attendance.objects.filter(session=session).values_list("party", flat=True))
    assert present == {Party.PARTY_ORG, Party.PROVIDER, Party.RESIDENTS_REPS}
    # An absent party cannot speak.
    services.open_item(actor=user("shuji"), item=session.items.first())
    services.open_round(actor=user("shuji"), session=session)
    with pytest.raises(SessionConflict):
        services.state_position(
            actor=user("yeweihui"), session=session, party=Party.OWNERS_BODY, stance="support"
        )


def test_only_the_chair_opens(demo) -> None:
    session = convene(demo)
    confirm(session)
    with pytest.raises(PermissionDenied):
        flow.open_session(actor=user("juwei"), session=session)


def test_a_party_speaks_only_for_itself_while_its_round_is_open(demo) -> None:
    session = opened(demo)
    services.open_item(actor=user("shuji"), item=session.items.first())
    with pytest.raises(SessionConflict):  # no round yet
        services.state_position(
            actor=user("wuye"), session=session, party=Party.PROVIDER, stance="support"
        )
    services.open_round(actor=user("shuji"), session=session)
    with pytest.raises(PermissionDenied):
        services.state_position(
            actor=user("wuye"), session=session, party=Party.OWNERS_BODY, stance="oppose"
        )
    services.state_position(
        actor=user("wuye"), session=session, party=Party.PROVIDER, stance="oppose"
    )
    services.state_position(  # amend while open: still one row
        actor=user("wuye"), session=session, party=Party.PROVIDER, stance="support", statement="改"
    )
    assert Position.objects.get(party=Party.PROVIDER).stance == "support"
    assert Position.objects.count() == 1
    rnd = Round.objects.get()
    services.close_round(actor=user("shuji"), round=rnd)
    with pytest.raises(SessionConflict):
        services.state_position(
            actor=user("wuye"), session=session, party=Party.PROVIDER, stance="oppose"
        )
    with pytest.raises(SessionConflict):
        services.close_round(actor=user("shuji"), round=rnd)
    with pytest.raises(PermissionDenied):
        services.open_round(actor=user("wuye"), session=session)
    assert Position.objects.get(party=Party.PROVIDER).stance == "support"


def test_objection_needs_reason_and_blocks_under_the_default_rule(demo) -> None:
    session = opened(demo)
    services.open_item(actor=user("shuji"), item=session.items.first())
    resolution = services.propose_resolution(
        actor=user("shuji"),
        session=session,
        decision="d",
        responsible_party=Party.PROVIDER,
        deadline=timezone.localdate(),
        acceptance_criteria="c",
    )
    with pytest.raises(ValidationError):
        services.vote_on_resolution(
            actor=user("yeweihui"), session=session, party=Party.OWNERS_BODY, choice="object"
        )
    with pytest.raises(SessionConflict, match="等待"):
        services.decide_resolution(actor=user("shuji"), resolution=resolution)
    for party, username in DELEGATES.items():
        choice = "object" if party == Party.OWNERS_BODY else "agree"
        services.vote_on_resolution(
            actor=user(username), session=session, party=party, choice=choice, reason="费用不明"
        )
    resolution = services.decide_resolution(actor=user("shuji"), resolution=resolution)
    assert resolution.status == Resolution.Status.REJECTED
    with pytest.raises(SessionConflict):
        services.vote_on_resolution(
            actor=user("wuye"), session=session, party=Party.PROVIDER, choice="object", reason="x"
        )


def test_majority_rule_adopts_with_objection_minuted(demo) -> None:
    session = opened(demo, adoption_rule=Session.AdoptionRule.MAJORITY)
    services.open_item(actor=user("shuji"), item=session.items.first())
    resolution = services.propose_resolution(
        actor=user("shuji"),
        session=session,
        decision="d",
        responsible_party=Party.PROVIDER,
        deadline=timezone.localdate(),
        acceptance_criteria="c",
    )
    for party, username in DELEGATES.items():
        choice = "object" if party == Party.OWNERS_BODY else "agree"
        services.vote_on_resolution(
            actor=user(username), session=session, party=party, choice=choice, reason="费用不明"
        )
    resolution = services.decide_resolution(actor=user("shuji"), resolution=resolution)
    assert resolution.status == Resolution.Status.ADOPTED
    flow.end_session(actor=user("shuji"), session=session)
    assert "费用不明" in Minutes.objects.get(session=session).text


def test_adopted_resolution_cannot_be_revoted_or_redrafted(demo) -> None:
    session = opened(demo)
    item = session.items.first()
    services.open_item(actor=user("shuji"), item=item)
    resolution = services.propose_resolution(
        actor=user("shuji"),
        session=session,
        decision="d",
        responsible_party=Party.PROVIDER,
        deadline=timezone.localdate(),
        acceptance_criteria="c",
    )
    for party, username in DELEGATES.items():
        services.vote_on_resolution(
            actor=user(username), session=session, party=party, choice="agree"
        )
    services.decide_resolution(actor=user("shuji"), resolution=resolution)
    with pytest.raises(SessionConflict):
        services.decide_resolution(actor=user("shuji"), resolution=resolution)
    with pytest.raises(SessionConflict):
        services.open_round(actor=user("shuji"), session=session)
    with pytest.raises(SessionConflict):
        services.defer_item(actor=user("shuji"), item=item)


def test_deferral_carries_the_item_to_a_later_session(demo) -> None:
    later = convene(demo, agenda=())
    session = opened(demo)
    item = session.items.get(order=2)
    carried = services.defer_item(actor=user("shuji"), item=item, to_session=later)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.DEFERRED and item.deferred_to == later
    assert carried is not None and carried.session == later and carried.deferred_from == item
    assert carried.title == "公共收益使用规则"


def test_referral_to_owners_vote_is_recorded(demo) -> None:
    session = opened(demo)
    item = session.items.first()
    services.open_item(actor=user("shuji"), item=item)
    vote = services.refer_to_owners_vote(actor=user("shuji"), item=item)
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.REFERRED
    assert vote.compound == demo.tuanjie and vote.origin == "session"
    assert vote.matters.get().title == item.title
    assert f"#{session.pk}" in vote.origin_note


def test_delegates_must_belong_to_their_party(demo) -> None:
    session = convene(demo)
    with pytest.raises(ValidationError):
        services.name_delegates(
            actor=user("wuye"),
            invitation=invitation(session, Party.PROVIDER),
            delegates=[user("juwei")],
        )
    with pytest.raises(PermissionDenied):
        services.name_delegates(
            actor=user("wuye"),
            invitation=invitation(session, Party.OWNERS_BODY),
            delegates=[user("wuye")],
        )
    with pytest.raises(ValidationError):  # a resident of another compound
        services.name_delegates(
            actor=user("shuji"),
            invitation=invitation(session, Party.RESIDENTS_REPS),
            delegates=[user("jumin2")],
        )


def test_another_community_cannot_convene(demo) -> None:
    from deliberation.models import Organization

    with pytest.raises(PermissionDenied):
        flow.start(
            convener=user("shuji2"),
            organization=Organization.objects.get(name="团结湖北里社区党委"),
            compounds=[demo.tuanjie],
            title="t",
            starts_at=timezone.now(),
            place="p",
        )
    assert not Session.objects.filter(title="t").exists()
