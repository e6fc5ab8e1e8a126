"""A session resolution on a matter reserved to the owners (Civil Code art. 278, e.g. using
the maintenance fund) is referred to an owners' vote instead of being put to the parties,
and the session page says so (issue 13 §1; docs/law.md §8)."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation.models import AgendaItem, OwnersVote, Resolution
from deliberation.services import sessions as services
from tests.support.clients import login_client

from .helpers import opened, user


def test_a_fund_resolution_is_referred_to_the_owners(demo) -> None:
    session = opened(demo)
    item = session.items.first()
    services.open_item(actor=user("shuji"), item=item)
    chair = login_client(user("shuji"))
    url = reverse("action", args=["session", session.pk, "propose"])
    data = {
        "propose-decision": "使用专项维修资金更换电梯",
        "propose-responsible_party": "provider",
        "propose-deadline": (timezone.localdate() + timedelta(days=30)).isoformat(),
        "propose-acceptance_criteria": "电梯验收合格",
        "propose-owners_matter": "use_fund",
    }
    r = chair.post(url, data, follow=True)
    assert r.status_code == 200
    assert "须由业主共同决定" in r.content.decode()
    item.refresh_from_db()
    assert item.outcome == AgendaItem.Outcome.REFERRED
    assert not Resolution.objects.filter(item=item).exists()  # the parties adopt nothing
    vote = OwnersVote.objects.get(origin=OwnersVote.Origin.SESSION)
    assert vote.matters.get().kind == "use_fund"
    page = chair.get(reverse("session-room", args=[session.pk])).content.decode()
    assert 'data-outcome="referred_to_owners_vote"' in page
    r = chair.post(url, {**data, "propose-owners_matter": "tenth"})
    assert r.status_code in (400, 409)
