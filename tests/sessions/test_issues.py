"""Sessions and issues: the issue's timeline follows it onto the agenda, through rounds, to
the resolution and the work order; the reporter and the responsible party see it live."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from deliberation.models import Event, Issue, IssueActivity, Party, Resolution, WorkOrder
from deliberation.services import issues as issue_services
from deliberation.services import sessions as services
from deliberation.services import triage as triage_services
from workflows import sessions as flow

from .helpers import DELEGATES, confirm, convene, speak_all, user

pytestmark = pytest.mark.django_db


def awaiting_issue(demo) -> Issue:
    issue = issue_services.report_issue(
        actor=user("jumin"), channel="web", description="2号楼电梯经常停运", compound=demo.tuanjie
    )
    return triage_services.send_to_session(issue=issue, actor=user("juwei"))


def adopt(session, **kwargs) -> Resolution:
    resolution = services.propose_resolution(
        actor=user("shuji"),
        session=session,
        decision="更换2号楼电梯",
        responsible_party=Party.PROVIDER,
        cooperating_parties=[Party.OWNERS_BODY],
        deadline=timezone.localdate() + timedelta(days=60),
        acceptance_criteria="通过检验",
        **kwargs,
    )
    for party, username in DELEGATES.items():
        services.vote_on_resolution(
            actor=user(username), session=session, party=party, choice="agree"
        )
    return services.decide_resolution(actor=user("shuji"), resolution=resolution)


def test_issue_goes_from_agenda_through_rounds_to_an_assigned_work_order(
    demo, django_capture_on_commit_callbacks
) -> None:
    issue = awaiting_issue(demo)
    session = flow.start(
        convener=user("shuji"),
        organization=user("shuji").memberships.get().organization,
        compounds=[demo.tuanjie],
        title="电梯专题议事会",
        starts_at=timezone.now() + timedelta(days=1),
        place="会议室",
        agenda=[{"title": "电梯更新", "issues": [issue]}],
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ON_AGENDA
    confirm(session)
    flow.open_session(actor=user("shuji"), session=session)
    item = session.items.get()
    services.open_item(actor=user("shuji"), item=item)
    services.open_round(actor=user("shuji"), session=session)
    speak_all(session)
    resolution = adopt(session)
    assert resolution.status == Resolution.Status.ADOPTED

    order = WorkOrder.objects.get(issue=issue)
    assert order.responsible == demo.tuanjie.property_provider
    assert order.origin == resolution
    assert order.acceptance_criteria == "通过检验"
    assert set(order.co_operating.all()) == {demo.tuanjie.owners_committee}
    assert timezone.localtime(order.resolve_by).date() == resolution.deadline
    issue.refresh_from_db()
    assert issue.status == Issue.Status.RESOLUTION_ASSIGNED
    texts = list(issue.activities.order_by("id").values_list("kind", "public_text"))
    kinds = [k for k, _ in texts]
    assert kinds.index(IssueActivity.Kind.ON_AGENDA) < kinds.index(IssueActivity.Kind.RESOLUTION)
    joined = "\n".join(t for _, t in texts)
    assert "电梯专题议事会" in joined and "第1轮" in joined and "物业服务人：支持" in joined
    assert "决议通过" in joined
    # The provider's inbox and the issue's page were pushed in the same transaction.
    provider = demo.tuanjie.property_provider
    assert Event.objects.filter(topic=f"org:{provider.pk}:inbox").exists()
    assert Event.objects.filter(topic__startswith=f"issue:{issue.pk}:").exists()
    # The room shows the assignment.
    room = Event.objects.filter(topic=f"session:{session.pk}:public").last()
    assert f'data-work-order="{order.pk}"' in room.html["zh-hans"]


def test_item_without_issues_becomes_one_work_order(demo) -> None:
    session = convene(demo)
    confirm(session)
    flow.open_session(actor=user("shuji"), session=session)
    services.open_item(actor=user("shuji"), item=session.items.first())
    resolution = adopt(session)
    ct = ContentType.objects.get_for_model(Resolution)
    order = WorkOrder.objects.get(origin_type=ct, origin_id=resolution.pk)
    assert order.issue is None and order.compound == demo.tuanjie


def test_residents_representatives_cannot_be_responsible_for_a_work_order(demo) -> None:
    from django.core.exceptions import ValidationError

    session = convene(demo)
    confirm(session)
    flow.open_session(actor=user("shuji"), session=session)
    services.open_item(actor=user("shuji"), item=session.items.first())
    with pytest.raises(ValidationError):
        services.propose_resolution(
            actor=user("shuji"),
            session=session,
            decision="d",
            responsible_party=Party.RESIDENTS_REPS,
            deadline=timezone.localdate(),
            acceptance_criteria="c",
        )


def test_deferral_without_a_later_session_sends_the_issue_back_to_wait(demo) -> None:
    issue = awaiting_issue(demo)
    session = convene(demo)
    services.add_agenda_item(actor=user("shuji"), session=session, title="电梯", issues=[issue])
    item = session.items.get(title="电梯")
    services.defer_item(actor=user("shuji"), item=item)
    issue.refresh_from_db()
    assert issue.status == Issue.Status.AWAITING_SESSION


def test_deferral_to_a_later_session_carries_the_issue(demo) -> None:
    issue = awaiting_issue(demo)
    later = convene(demo, agenda=())
    session = convene(demo)
    services.add_agenda_item(actor=user("shuji"), session=session, title="电梯", issues=[issue])
    item = session.items.get(title="电梯")
    carried = services.defer_item(actor=user("shuji"), item=item, to_session=later)
    assert list(carried.issues.all()) == [issue]
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ON_AGENDA
    assert issue.activities.filter(public_text__contains=later.title).exists()


def test_only_waiting_issues_of_the_compound_go_on_the_agenda(demo) -> None:
    from django.core.exceptions import ValidationError

    issue = issue_services.report_issue(
        actor=user("jumin"), channel="web", description="新问题", compound=demo.tuanjie
    )  # still new, not triaged to a session
    session = convene(demo)
    with pytest.raises(ValidationError):
        services.add_agenda_item(actor=user("shuji"), session=session, title="x", issues=[issue])
    assert not session.items.filter(title="x").exists()
