"""Role × object × action table for hotline imports, Open311 and indicators."""

from __future__ import annotations

from typing import Any

import pytest

from deliberation import policy
from deliberation.models import Issue
from deliberation.services.hotline import stage_hotline_file
from tests.intake.factories import report, tuanjie, user
from tests.support.demo import Demo

from .hotline_files import csv_bytes, good_row

pytestmark = pytest.mark.django_db

# anonymous, a resident (jumin), the compound's firm (wuye), another provider (fangguan),
# the owners' committee chair (yeweihui), the compound's residents' committee (juwei),
# another community's committee (juwei2), the subdistrict (jiedao), supervision (dudao)
ROLES = [None, "jumin", "wuye", "fangguan", "yeweihui", "juwei", "juwei2", "jiedao", "dudao"]

TABLE: dict[str, tuple[int, ...]] = {
    #                      anon jumin wuye fangg yewei juwei juwei2 jiedao dudao
    "hotline.import":      (0,  0,    0,   0,    0,    1,    1,     1,     1),
    "hotline.view_import": (0,  0,    0,   0,    0,    1,    0,     1,     1),  # juwei's file
    "open311.read":        (1,  1,    1,   1,    1,    1,    1,     1,     1),
    "open311.description": (0,  1,    1,   0,    1,    1,    0,     1,     1),
    "open311.write":       (0,  0,    1,   0,    1,    1,    0,     1,     1),  # on 团结公寓
    "indicators.view":     (0,  0,    1,   1,    1,    1,    1,     1,     1),  # issue 12
}  # fmt: skip


def _obj(action: str, issue: Issue, batch: Any) -> Any:
    if action.startswith("hotline.view"):
        return batch
    if action == "open311.write":
        return tuanjie()
    if action.startswith("open311"):
        return issue
    return None


def test_channels_table(demo: Demo) -> None:
    issue = report("楼道灯坏了")
    batch = stage_hotline_file(actor=user("juwei"), name="a.csv", content=csv_bytes([good_row(1)]))
    failures = []
    for action, expected in TABLE.items():
        for username, allowed in zip(ROLES, expected, strict=True):
            actor = user(username) if username else None
            got = policy.can(actor, action, _obj(action, issue, batch))
            if got != bool(allowed):
                failures.append((action, username, got))
    assert failures == []


def test_open311_read_needs_a_place(demo: Demo) -> None:
    issue = report_issue_without_place()
    assert not policy.can(None, "open311.read", issue)
    assert not policy.can(user("jiedao"), "open311.read", issue)


def report_issue_without_place() -> Issue:
    from deliberation.services.issues import report_issue

    return report_issue(actor=user("jiedao"), channel=Issue.Channel.PHONE, description="路灯")
