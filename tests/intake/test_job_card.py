"""The responsible party's order page is a job card: where, the resident's photos, how to
reach the reporter, acceptance criteria, the whole history; no empty action card once done;
the reporter sees the photos of the completed work."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from deliberation.models import Event, Issue, IssueCategory, Unit, User
from deliberation.services.issues import report_issue
from deliberation.services.triage import dispatch_issue
from tests.intake.factories import tuanjie, user
from tests.intake.test_views import photo
from tests.support.clients import login_client
from workflows.work_orders import perform

pytestmark = pytest.mark.django_db

PHONE = "13800001234"


def _reported_with_photo(settings, tmp_path) -> Issue:
    settings.MEDIA_ROOT = tmp_path
    User.objects.filter(username="jumin").update(phone=PHONE)
    unit = Unit.objects.get(building__compound=tuanjie(), building__name="2号楼", number="302")
    from deliberation.photos import check_photos

    return report_issue(
        actor=user("jumin"),
        channel=Issue.Channel.WEB,
        description="卫生间顶上漏水",
        compound=tuanjie(),
        building=unit.building,
        unit=unit,
        location_text="卫生间",
        category=IssueCategory.objects.get(code="repair"),
        photos=check_photos([photo()]),
    )


def _dispatched(settings, tmp_path):
    issue = _reported_with_photo(settings, tmp_path)
    order = dispatch_issue(
        issue=issue,
        actor=user("juwei"),
        responsible=tuanjie().property_provider,
        acceptance_criteria="楼上防水修好，连续三天不再滴水",
    )
    return issue, order


def test_the_firm_sees_where_photos_phone_and_criteria(demo, settings, tmp_path) -> None:
    issue, order = _dispatched(settings, tmp_path)
    html = login_client(user("wuye")).get(reverse("work-order-detail", args=[order.pk]))
    assert html.status_code == 200
    page = html.content.decode()
    where = re.search(r'id="job-where">([^<]*)<', page)
    assert where and "2号楼" in where.group(1) and "302" in where.group(1)
    assert "卫生间" in where.group(1)
    photo_id = issue.photos.get().pk
    assert reverse("issue-photo", args=[issue.pk, photo_id]) in page
    assert f'href="tel:{PHONE}"' in page  # the party that must visit can call
    assert "连续三天不再滴水" in page
    # The photo link on the card opens for the firm.
    firm = login_client(user("wuye"))
    assert firm.get(reverse("issue-photo", args=[issue.pk, photo_id])).status_code == 200


def test_others_see_the_masked_number_and_the_firm_after_closing(demo, settings, tmp_path) -> None:
    issue, order = _dispatched(settings, tmp_path)
    order.co_operating.add(demo.compound("轻工宿舍").property_provider)
    other = login_client(user("chanquan"))  # a co-operating organization
    page = other.get(reverse("work-order-detail", args=[order.pk])).content.decode()
    assert PHONE not in page and "138****1234" in page
    order.status = "closed"
    order.save(update_fields=["status"])
    page = login_client(user("wuye")).get(reverse("work-order-detail", args=[order.pk]))
    assert PHONE not in page.content.decode()


def test_history_has_acceptance_and_no_empty_action_card_when_done(
    demo, settings, tmp_path
) -> None:
    issue, order = _dispatched(settings, tmp_path)
    firm = login_client(user("wuye"))
    url = reverse("work-order-detail", args=[order.pk])
    accept = reverse("action", args=["work_order", order.pk, "accept"])
    assert firm.post(accept).status_code == 302
    page = firm.get(url).content.decode()
    kinds = re.findall(r'class="timeline-step" data-kind="([^"]+)"', page)
    assert kinds[:2] == ["dispatched", "accepted"]
    controls = f'id="controls-work_order-{order.pk}"'
    assert controls in page and 'data-action="complete"' in page
    perform(order, "complete", actor=user("wuye"), text="已修好防水", photos=[])
    page = firm.get(url).content.decode()
    # nothing left for the firm to do: the controls are there (to refresh live) but hidden
    assert re.search(controls + r"[^>]* hidden", page) and "data-action=" not in page
    kinds = re.findall(r'class="timeline-step" data-kind="([^"]+)"', page)
    assert kinds == ["dispatched", "accepted", "completion"]


def test_the_reporter_sees_the_completion_photos(demo, settings, tmp_path) -> None:
    issue, order = _dispatched(settings, tmp_path)
    firm = login_client(user("wuye"))
    action = lambda a: reverse("action", args=["work_order", order.pk, a])  # noqa: E731
    firm.post(action("accept"))
    firm.post(action("progress"), {"progress-text": "拆开吊顶", "progress-photos": [photo()]})
    firm.post(action("complete"), {"complete-text": "已修好", "complete-photos": [photo()]})
    progress_photo, completion_photo = order.evidence.order_by("id")
    resident = login_client(user("jumin"))
    page = resident.get(reverse("issue-detail", args=[issue.pk])).content.decode()
    shown = reverse("work-order-evidence", args=[order.pk, completion_photo.pk])
    assert 'id="completion-photos"' in page and shown in page
    assert resident.get(shown).status_code == 200
    hidden = reverse("work-order-evidence", args=[order.pk, progress_photo.pk])
    assert hidden not in page and resident.get(hidden).status_code == 403
    # Another resident does not see the photos from inside the flat: the order is not
    # theirs to know of, so its evidence is not found (existence privacy asks first).
    assert login_client(user("jumin2")).get(shown).status_code == 404


def _issue_contact(client, issue) -> str:
    page = client.get(reverse("issue-detail", args=[issue.pk]))
    assert page.status_code in (200, 404)
    found = re.search(r'id="issue-contact">(.*?)</p>', page.content.decode(), re.S)
    return found.group(1) if found else ""


def test_the_issue_page_shows_the_reporters_phone_by_the_job_cards_rule(
    demo, settings, tmp_path
) -> None:
    """The firm may call while its order is open, not after; a co-operating organization
    never; the committee and the subdistrict always. The pushed staff record never
    carries the number (it is one fragment for everyone following the issue)."""
    issue, order = _dispatched(settings, tmp_path)
    # as a phone report taken by the committee would carry it
    Issue.objects.filter(pk=issue.pk).update(reporter_name="张女士", reporter_phone=PHONE)
    order.co_operating.add(demo.compound("轻工宿舍").property_provider)
    firm, helper = login_client(user("wuye")), login_client(user("chanquan"))
    committee, office = login_client(user("juwei")), login_client(user("jiedao"))
    dial = f'href="tel:{PHONE}"'
    assert dial in _issue_contact(firm, issue)
    assert PHONE not in _issue_contact(helper, issue)
    for client in (committee, office):
        assert dial in _issue_contact(client, issue)
    accept = reverse("action", args=["work_order", order.pk, "accept"])
    assert firm.post(accept).status_code == 302
    pushed = Event.objects.filter(topic=f"issue:{issue.pk}:staff").exclude(html={})
    assert pushed.exists()
    assert all(PHONE not in html for e in pushed for html in e.html.values())
    order.status = "closed"
    order.save(update_fields=["status"])
    shown = _issue_contact(firm, issue)
    assert PHONE not in shown and "138****1234" in shown
    for client in (committee, office):
        assert dial in _issue_contact(client, issue)
