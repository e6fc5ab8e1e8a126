"""Role × object × action table for issues, work orders and their live topics."""

from __future__ import annotations

import pytest

from deliberation import policy
from deliberation.models import Escalation, Organization
from tests.intake.factories import dispatched, report, tuanjie, user

# Roles: resident reporter (jumin, lives in 团结公寓), a neighbour in the same compound
# (yeweihui, owner there), a resident elsewhere (jumin2), the compound's firm (wuye),
# another provider (fangguan), the compound's residents' committee (juwei), another
# community's committee (juwei2), the subdistrict (jiedao) and its supervision group (dudao).
ROLES = ["jumin", "yeweihui", "jumin2", "wuye", "fangguan", "juwei", "juwei2", "jiedao", "dudao"]

ISSUE_TABLE = {
    #                 jumin  yewei  jumin2 wuye   fangg  juwei  juwei2 jiedao dudao
    "issue.view":       (1,   1,     0,     1,     0,     1,     0,     1,     1),
    "issue.view_staff": (0,   1,     0,     1,     0,     1,     0,     1,     1),
    "issue.triage":     (0,   0,     0,     0,     0,     1,     0,     1,     1),
    "issue.rate":       (1,   0,     0,     0,     0,     0,     0,     0,     0),
}  # fmt: skip
# yeweihui chairs the owners' committee that serves 团结公寓, so it sees the staff record.

ORDER_TABLE = {
    #                          jumin yewei jumin2 wuye fangg juwei juwei2 jiedao dudao
    "work_order.view":           (0,  1,    0,     1,   0,    1,    0,     1,     1),
    "work_order.respond":        (0,  0,    0,     1,   0,    0,    0,     0,     0),
    "work_order.verify":         (0,  0,    0,     0,   0,    1,    0,     1,     1),
    "work_order.decide_extension": (0, 0,   0,     0,   0,    1,    0,     1,     1),
    "work_order.confirm":        (1,  0,    0,     0,   0,    0,    0,     0,     0),
}  # fmt: skip


def _check(table, obj) -> None:
    failures = []
    for action_name, expected in table.items():
        for username, allowed in zip(ROLES, expected, strict=True):
            got = policy.can(user(username), action_name, obj)
            if got != bool(allowed):
                failures.append((action_name, username, got))
    assert failures == []


def test_issue_table(demo) -> None:
    issue, _order = dispatched()
    _check(ISSUE_TABLE, issue)


def test_work_order_table(demo) -> None:
    _issue, order = dispatched()
    _check(ORDER_TABLE, order)


def test_topic_table(demo) -> None:
    issue, order = dispatched()
    rc = tuanjie().community.residents_committee
    firm = tuanjie().property_provider
    supervisor = Organization.objects.get(kind=Organization.Kind.SUPERVISION_GROUP)
    table = {
        #                              jumin yewei jumin2 wuye fangg juwei juwei2 jiedao dudao
        f"issue:{issue.pk}:public":     (1,  1,    0,     1,   0,    1,    0,     1,     1),
        f"issue:{issue.pk}:staff":      (0,  1,    0,     1,   0,    1,    0,     1,     1),
        f"issue:{issue.pk}:other":      (0,  0,    0,     0,   0,    0,    0,     0,     0),
        "issue:999999:public":          (0,  0,    0,     0,   0,    0,    0,     0,     0),
        f"work_order:{order.pk}:staff": (0,  1,    0,     1,   0,    1,    0,     1,     1),
        f"org:{rc.pk}:inbox":           (0,  0,    0,     0,   0,    1,    0,     1,     1),
        f"org:{firm.pk}:inbox":         (0,  0,    0,     1,   0,    0,    0,     1,     1),
        f"org:{supervisor.pk}:inbox":   (0,  0,    0,     0,   0,    0,    0,     1,     1),
    }  # fmt: skip
    failures = []
    for name, expected in table.items():
        for username, allowed in zip(ROLES, expected, strict=True):
            if policy.can_subscribe(user(username), name) != bool(allowed):
                failures.append((name, username))
    assert failures == []


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("jumin", True), ("jumin2", False), ("wuye", True), ("juwei2", False), ("jiedao", True)],
)
def test_report_about_a_compound(demo, username, allowed) -> None:
    assert policy.can(user(username), "issue.report", tuanjie()) is allowed
    assert policy.can(user(username), "issue.report", None) is True


@pytest.mark.parametrize(
    ("username", "allowed"),
    [("jumin", False), ("wuye", False), ("juwei", True), ("shuji", True), ("jiedao", True)],
)
def test_staff_entry_and_dispatch(demo, username, allowed) -> None:
    assert policy.can(user(username), "issue.enter", tuanjie()) is allowed


def test_only_the_supervision_group_handles_escalations(demo) -> None:
    esc = Escalation(supervisor=Organization.objects.get(kind="supervision_group"))
    assert [
        policy.can(user(u), "escalation.handle", esc) for u in ("dudao", "jiedao", "juwei")
    ] == [
        True,
        False,
        False,
    ]


def test_a_neighbour_sees_public_status_of_issues_in_the_compound(demo) -> None:
    issue = report()
    assert policy.can(user("yeweihui"), "issue.view", issue)
    assert not policy.can(user("jumin2"), "issue.view", issue)
