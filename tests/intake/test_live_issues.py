"""Issue and inbox topics through the real consumer and Redis: who may join, what arrives."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from deliberation.live.consumer import CLOSE_FORBIDDEN
from deliberation.services.work_orders import send_back_work_order
from tests.intake.factories import dispatched, report, tuanjie, user
from tests.support.clients import communicator, login_client

pytestmark = pytest.mark.django_db(transaction=True)


def path(*topics: str) -> str:
    return f"/ws/live/?topics={','.join(topics)}&lang=zh-hans"


def test_neighbour_gets_public_status_without_staff_notes(tdemo) -> None:
    issue, order = dispatched("单元门<script>x</script>坏了")
    neighbour = login_client(user("yeweihui"))
    resident = login_client(user("jumin"))
    firm_user = user("wuye")

    async def scenario() -> None:
        comm = communicator(resident, path(f"issue:{issue.pk}:public"))
        connected, _ = await comm.connect()
        assert connected
        await database_sync_to_async(send_back_work_order)(
            work_order=order, actor=firm_user, reason="内部：合同不含门禁"
        )
        text = await comm.receive_from(timeout=5)
        assert f'id="issue-{issue.pk}-public"' in text and 'data-status="new"' in text
        assert "合同不含门禁" not in text and "13800000012" not in text
        await comm.disconnect()

        staff = communicator(neighbour, path(f"issue:{issue.pk}:staff"))
        connected, _ = await staff.connect()
        assert connected  # the owners' committee chair serves the compound
        await staff.disconnect()

    async_to_sync(scenario)()


def test_outsiders_cannot_join_issue_or_inbox_topics(tdemo) -> None:
    issue = report()
    firm = tuanjie().property_provider
    cases = [
        ("jumin2", f"issue:{issue.pk}:public"),
        ("jumin", f"issue:{issue.pk}:staff"),
        ("fangguan", f"org:{firm.pk}:inbox"),
        ("jumin", f"org:{firm.pk}:inbox"),
    ]

    clients = [(login_client(user(u)), t) for u, t in cases]

    async def scenario() -> None:
        for client, topic_name in clients:
            comm = communicator(client, path(topic_name))
            connected, code = await comm.connect()
            assert not connected and code == CLOSE_FORBIDDEN, topic_name

    async_to_sync(scenario)()


def test_triage_queue_arrives_in_the_committee_inbox(tdemo) -> None:
    rc = tuanjie().community.residents_committee
    committee = login_client(user("juwei"))

    async def scenario() -> None:
        comm = communicator(committee, path(f"org:{rc.pk}:inbox"))
        connected, _ = await comm.connect()
        assert connected
        issue = await database_sync_to_async(report)("新的诉求<b>粗体</b>")
        texts = [await comm.receive_from(timeout=5)]
        assert f'id="triage-queue-{rc.pk}"' in texts[0]
        assert f"triage-row-{issue.pk}" in texts[0] and "&lt;b&gt;粗体" in texts[0]
        # and the committee's task list ("triage this report") is told to fetch itself
        marker = await comm.receive_from(timeout=5)
        assert 'data-refetch="/tasks/"' in marker and 'data-refetch-target="task-list"' in marker
        assert "粗体" not in marker  # content-free: per person, never pushed itself
        await comm.disconnect()

    async_to_sync(scenario)()
