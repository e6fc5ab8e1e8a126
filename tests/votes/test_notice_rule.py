"""Who gives notice of an owners' meeting (policy ``vote.notice``, issue 16 part 6).

Whoever convenes gives notice (BJ reg. art. 35): the owners' committee; the residents'
committee only reviews and observes such a meeting. Where the subdistrict convened because
the committee did not (art. 36), or the compound has no owners' committee or 物管会, the
residents' committee gives notice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from deliberation import policy
from deliberation.models import OwnersVote
from deliberation.services.votes import publish_notice
from tests.hardening import surfaces_votes
from tests.support.clients import login_client
from tests.support.demo import Demo

S = OwnersVote.Status
pytestmark = pytest.mark.django_db


def _notice(actor: Any, vote: OwnersVote) -> OwnersVote:
    now = timezone.now()
    return publish_notice(
        actor=actor,
        vote=vote,
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        place_and_method="居委会会议室",
    )


def test_the_residents_committee_may_not_notice_a_meeting_the_owners_committee_convened(
    demo: Demo,
) -> None:
    vote = surfaces_votes.preparing(demo)  # proposed by 团结公寓's owners' committee
    juwei = demo.user("juwei")
    assert not policy.can(juwei, "vote.notice", vote)
    with pytest.raises(PermissionDenied):
        _notice(juwei, vote)
    response = login_client(juwei).post(
        reverse("action", args=["vote", vote.pk, "notice"]),
        {
            "notice-opens_at": (timezone.now() + timedelta(days=16)).isoformat(),
            "notice-closes_at": (timezone.now() + timedelta(days=30)).isoformat(),
            "notice-place_and_method": "x",
        },
    )
    assert response.status_code == 403  # it sees the meeting; it may not notice it
    vote.refresh_from_db()
    assert vote.status == S.PREPARING and vote.noticed_at is None
    page = login_client(juwei).get(reverse("vote-detail", args=[vote.pk])).content.decode()
    assert 'id="vote-notice-' not in page
    assert _notice(demo.user("yeweihui"), vote).status == S.NOTICED  # the convener does


def test_the_residents_committee_notices_a_meeting_the_subdistrict_convened(demo: Demo) -> None:
    vote = surfaces_votes.preparing_convened_by_subdistrict(demo)
    assert not policy.can(demo.user("yeweihui"), "vote.notice", vote)  # it failed to convene
    assert _notice(demo.user("juwei"), vote).status == S.NOTICED


def test_the_residents_committee_notices_where_the_compound_has_no_committee(
    demo: Demo,
) -> None:
    vote = surfaces_votes.preparing_without_committee(demo)  # in 轻工宿舍
    assert policy.can(demo.user("juwei2"), "vote.notice", vote)
    assert not policy.can(demo.user("juwei"), "vote.notice", vote)  # not its community
    page = login_client(demo.user("juwei2")).get(reverse("vote-detail", args=[vote.pk]))
    assert 'id="vote-notice-' in page.content.decode()
    assert _notice(demo.user("juwei2"), vote).status == S.NOTICED
