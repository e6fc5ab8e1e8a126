"""The sessions list: search, status, compound, invited party, dates, "mine" and pages."""

from __future__ import annotations

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation.lists import PAGE_SIZE
from deliberation.models import Compound, Invitation, Organization, Session
from tests.hardening.growth_sessions import demo_session, grow_sessions, minuted_session
from tests.support.clients import login_client
from tests.support.demo import user


def shown(username: str, query: str = "", status: int = 200) -> set[int]:
    response = login_client(user(username)).get(reverse("session-list") + query)
    assert response.status_code == status, (query, response.status_code)
    return {int(n) for n in re.findall(r'id="session-row-(\d+)"', response.content.decode())}


def test_search_status_and_dates_narrow(demo) -> None:
    convened, ended = demo_session(), minuted_session()
    both = {convened.pk, ended.pk}
    assert both <= shown("shuji")
    assert shown("shuji", "?q=纪要已发布") == {ended.pk}
    assert shown("shuji", "?q=二楼会议室") >= both
    assert convened.pk in shown("shuji", "?status=convened")
    assert ended.pk not in shown("shuji", "?status=convened")
    assert ended.pk in shown("shuji", "?status=ended")
    today = timezone.localdate()
    later = shown("shuji", f"?since={today + timedelta(days=1)}")
    assert convened.pk in later and ended.pk not in later
    held = timezone.localdate(ended.starts_at)  # two hours ago: yesterday, just after midnight
    assert ended.pk in shown("shuji", f"?since={held}&until={held}")


def test_compound_and_invited_party_narrow(demo) -> None:
    session = demo_session()
    tuanjie = Compound.objects.get(name="团结公寓")
    assert session.pk in shown("jiedao", f"?compound={tuanjie.pk}")
    other = Compound.objects.exclude(pk=tuanjie.pk).order_by("pk").first()
    assert session.pk not in shown("jiedao", f"?compound={other.pk}")
    firm = tuanjie.property_provider_id
    Invitation.objects.filter(session=session, party="provider").update(organization_id=firm)
    assert session.pk in shown("jiedao", f"?party={firm}")
    nobody = Organization.objects.exclude(session_invitations__session=session).first()
    assert session.pk not in shown("jiedao", f"?party={nobody.pk}")


def test_mine_is_what_i_convene_chair_or_am_a_delegate_of(demo) -> None:
    session = demo_session()  # jumin is the residents' representatives' delegate
    grow_sessions(demo, 2)  # shuji convenes and chairs them; jumin lives there
    grown = set(Session.objects.filter(title__startswith="预算议事会").values_list("pk", flat=True))
    assert grown <= shown("jumin")
    mine = shown("jumin", "?mine=1")
    assert session.pk in mine and not grown & mine
    assert grown <= shown("shuji", "?mine=1")


def test_a_compound_outside_the_users_reach_is_refused(demo) -> None:
    elsewhere = Compound.objects.get(name="轻工宿舍")
    assert shown("jumin", f"?compound={elsewhere.pk}", status=400) <= shown("jumin")


def test_pages(demo) -> None:
    grow_sessions(demo, PAGE_SIZE + 2)
    first = shown("shuji", "?q=预算议事会")
    second = shown("shuji", "?q=预算议事会&page=2")
    assert len(first) == PAGE_SIZE and len(second) == 2 and not first & second
