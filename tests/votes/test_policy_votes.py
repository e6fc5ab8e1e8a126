"""Role × object × action table for owners' votes, the register and committees."""

from __future__ import annotations

import pytest

from deliberation import policy
from deliberation.models import Compound, OwnersVote, User

# Rows: action → the users (of the demo) allowed on 团结公寓's voting demo; everyone else
# in USERS is denied. Objects of 轻工宿舍 are denied to all but the subdistrict.
USERS = ["jiedao", "dudao", "shuji", "juwei", "juwei2", "wuye", "yeweihui", "jumin", "jumin2"]
ALLOWED = {
    "vote.view": {"jiedao", "dudao", "shuji", "juwei", "wuye", "yeweihui", "jumin"},
    "vote.propose": {"yeweihui"},
    "vote.refer": {"jiedao", "dudao", "shuji", "juwei", "yeweihui"},
    "vote.petition": {"yeweihui", "jumin"},
    "vote.sign": {"yeweihui", "jumin"},
    "vote.cast": {"yeweihui", "jumin"},
    "vote.record_paper": {"juwei", "yeweihui"},
    "vote.enter_paper": {"juwei", "yeweihui"},
    "vote.order": {"jiedao", "dudao"},
    "vote.review": {"juwei"},
    "vote.notice": {"yeweihui"},  # the demo meeting was convened by its committee
    "vote.publish": {"juwei", "yeweihui"},
    "vote.audit": {"jiedao", "dudao", "juwei"},
    "register.view": {"jiedao", "dudao", "shuji", "juwei", "wuye", "yeweihui"},
    "register.import": {"jiedao", "dudao", "juwei", "yeweihui"},
    "committee.view": {"jiedao", "dudao", "shuji", "juwei", "wuye", "yeweihui", "jumin"},
    "committee.manage": {"jiedao", "dudao", "shuji", "juwei", "yeweihui"},
    "committee.chair": {"jiedao", "dudao", "shuji", "juwei", "yeweihui"},
    "committee.register": {"jiedao", "dudao"},
    "committee.report": {"jiedao", "dudao", "yeweihui"},
}
COMPOUND_LEVEL = {
    "vote.propose",
    "vote.refer",
    "vote.petition",
    "register.view",
    "register.import",
    "committee.view",
    "committee.manage",
    "committee.chair",
    "committee.register",
    "committee.report",
}


def obj_for(action: str, compound: Compound) -> object:
    if action in COMPOUND_LEVEL:
        return compound
    return OwnersVote(compound=compound, pk=0)


@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_table(demo, action) -> None:
    tuanjie = demo.tuanjie
    vote = OwnersVote.objects.filter(compound=tuanjie).first()
    target = tuanjie if action in COMPOUND_LEVEL else vote
    got = {u for u in USERS if policy.can(User.objects.get(username=u), action, target)}
    assert got == ALLOWED[action]
    # The same action on another compound (轻工宿舍): only the subdistrict.
    other = obj_for(action, demo.qinggong)
    got_other = {u for u in USERS if policy.can(User.objects.get(username=u), action, other)}
    assert got_other <= {"jiedao", "dudao", "jumin2", "shuji2", "juwei2"}
    assert "yeweihui" not in got_other and "jumin" not in got_other


def test_convene_needs_the_committee_or_an_overdue_or_ordered_convening(demo) -> None:
    from datetime import timedelta

    from django.utils import timezone

    vote = OwnersVote(compound=demo.tuanjie, convene_by=timezone.now() + timedelta(days=1))
    assert policy.can(demo.user("yeweihui"), "vote.convene", vote)
    assert not policy.can(demo.user("jiedao"), "vote.convene", vote)
    vote.convening_ordered_at = timezone.now()
    assert policy.can(demo.user("jiedao"), "vote.convene", vote)
    vote.convening_ordered_at = None
    vote.convene_by = timezone.now() - timedelta(seconds=1)
    assert policy.can(demo.user("jiedao"), "vote.convene", vote)
    assert not policy.can(demo.user("jumin"), "vote.convene", vote)


def test_vote_topics(demo) -> None:
    vote = OwnersVote.objects.filter(compound=demo.tuanjie).first()
    public, staff = f"vote:{vote.pk}:public", f"vote:{vote.pk}:staff"
    assert policy.can_subscribe(demo.user("jumin"), public)
    assert not policy.can_subscribe(demo.user("jumin"), staff)
    assert policy.can_subscribe(demo.user("juwei"), staff)
    assert not policy.can_subscribe(demo.user("jumin2"), public)
    assert not policy.can_subscribe(demo.user("jumin"), f"vote:{vote.pk}:secret")
    assert not policy.can_subscribe(demo.user("jumin"), "vote:999999:public")
