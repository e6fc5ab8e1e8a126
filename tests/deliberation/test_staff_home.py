"""'My tasks' on the staff home page: the person's task list (the steps the registry says are
theirs to take now), titled, linked and escaped; the same list as in the inbox."""

from __future__ import annotations

import re

from django.urls import reverse

from deliberation.services.work_orders import dispatch_work_order
from tests.support.clients import login_client


def _dispatch(demo, title: str):
    return dispatch_work_order(
        actor=demo.user("juwei"),
        responsible=demo.tuanjie.property_provider,
        title=title,
        description="d",
        compound=demo.tuanjie,
    )


def _task_list(page: str) -> str:
    found = re.search(r'<section class="card tasks" id="task-list".*?</section>', page, re.S)
    assert found, "no task list on the page"
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", found.group(0))


def test_the_firms_task_to_accept_is_listed_with_title_link_and_one_tap(demo) -> None:
    order = _dispatch(demo, "更换电梯<script>")
    page = login_client(demo.user("wuye")).get("/").content.decode()
    tasks = _task_list(page)
    assert f'href="{reverse("work-order-detail", args=[order.pk])}"' in tasks
    assert "更换电梯&lt;script&gt;" in tasks and "更换电梯<script>" not in page
    one_tap = reverse("action", args=["work_order", order.pk, "accept"])
    assert f'hx-post="{one_tap}"' in tasks  # accepting needs no input
    assert "打开我的待办" in page

    committee = _task_list(login_client(demo.user("juwei")).get("/").content.decode())
    # the committee follows; the firm acts
    assert reverse("work-order-detail", args=[order.pk]) + '"' not in committee


def test_the_inbox_shows_the_same_task_list(demo) -> None:
    order = _dispatch(demo, "楼道灯")
    firm = login_client(demo.user("wuye"))
    home = _task_list(firm.get("/").content.decode())
    inbox = _task_list(firm.get(reverse("inbox")).content.decode())
    assert home == inbox and reverse("work-order-detail", args=[order.pk]) in inbox
