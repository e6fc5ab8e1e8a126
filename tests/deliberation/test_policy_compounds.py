"""Who may see a compound and post to its residents: a role × action table."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from deliberation import policy

# (username, compound, action) -> allowed
TABLE = [
    ("jumin", "团结公寓", "compound.view", True),
    ("jumin", "轻工宿舍", "compound.view", False),
    ("jumin", "团结公寓", "compound.announce", False),
    ("jumin2", "轻工宿舍", "compound.view", True),
    ("jumin2", "团结公寓", "compound.view", False),
    ("wuye", "团结公寓", "compound.view", True),
    ("wuye", "团结公寓", "compound.announce", True),
    ("wuye", "轻工宿舍", "compound.view", False),
    ("wuye", "轻工宿舍", "compound.announce", False),
    ("yeweihui", "团结公寓", "compound.announce", True),
    ("yeweihui", "水碓子东里", "compound.view", False),
    ("juwei", "团结公寓", "compound.announce", True),
    ("juwei", "中路北六条", "compound.view", True),
    ("juwei", "轻工宿舍", "compound.view", False),
    ("shuji2", "轻工宿舍", "compound.announce", True),
    ("fangguan", "水碓子东里", "compound.view", True),
    ("fangguan", "团结公寓", "compound.view", False),
    ("jiedao", "轻工宿舍", "compound.view", True),
    ("jiedao", "团结公寓", "compound.announce", True),
    ("dudao", "水碓子东里", "compound.view", True),
    ("dudao", "水碓子东里", "compound.announce", False),
]


@pytest.mark.parametrize(("username", "compound", "action", "allowed"), TABLE)
def test_compound_rules(demo, username, compound, action, allowed) -> None:
    assert policy.can(demo.user(username), action, demo.compound(compound)) is allowed


def test_anonymous_and_unknown_actions_are_denied(demo) -> None:
    assert not policy.can(AnonymousUser(), "compound.view", demo.tuanjie)
    assert not policy.can(demo.user("jiedao"), "compound.demolish", demo.tuanjie)
    assert not policy.can_subscribe(AnonymousUser(), f"compound:{demo.tuanjie.pk}:public")


@pytest.mark.parametrize(
    ("username", "topic", "allowed"),
    [
        ("jumin", "compound:{tuanjie}:public", True),
        ("jumin", "compound:{qinggong}:public", False),
        ("jumin", "compound:{tuanjie}:staff", False),
        ("jumin", "user:{me}:home", True),
        ("jumin", "user:{other}:home", False),
        ("wuye", "org:{wuye_org}:inbox", True),
        ("jumin", "org:{wuye_org}:inbox", False),
        ("jiedao", "org:{wuye_org}:inbox", True),
        ("jumin", "nonsense", False),
        ("jumin", "compound:abc:public", False),
        ("jumin", "ghost:1:public", False),
    ],
)
def test_topic_rules(demo, username, topic, allowed) -> None:
    user = demo.user(username)
    name = topic.format(
        tuanjie=demo.tuanjie.pk,
        qinggong=demo.qinggong.pk,
        me=user.pk,
        other=demo.user("jumin2").pk,
        wuye_org=demo.tuanjie.property_provider_id,
    )
    assert policy.can_subscribe(user, name) is allowed
