"""'My tasks' on the staff home page: each assigned flow task, titled and linked to its subject."""

from __future__ import annotations

from django.urls import reverse

from deliberation.services import votes as vote_services
from tests.support.clients import login_client


def test_assigned_review_task_is_listed_with_title_and_link(demo) -> None:
    vote = vote_services.propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title="更换电梯<script>",
        matters=[vote_services.MatterSpec(kind="rebuild", title="更换2号楼电梯")],
    )
    page = login_client(demo.user("juwei")).get("/").content.decode()
    assert "审核提议" in page  # "Review the proposal", translated
    assert f'href="{reverse("vote-detail", args=[vote.pk])}"' in page
    assert "更换电梯&lt;script&gt;" in page and "更换电梯<script>" not in page
    assert "打开我的待办" in page

    other = login_client(demo.user("wuye")).get("/").content.decode()
    assert "审核提议" not in other
