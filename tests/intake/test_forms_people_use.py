"""Issue 15 parts 2 and 4 through the real pages: the error summary, nothing typed lost, the
character count, and the forms used every day (report, triage, convene, the queue)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from deliberation.models import Issue, Organization, Session, Urgency
from deliberation.services.work_orders import sla_deadlines
from tests.images import small_png
from tests.intake.factories import report, tuanjie, user, verified
from tests.support.clients import login_client

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def report_data(**extra: object) -> dict[str, object]:
    return {
        "compound": tuanjie().pk,
        "building": tuanjie().buildings.get(name="2号楼").pk,
        "unit_number": "302",
        "location_text": "",
        "category": "",
        "urgency": "ordinary",
        "description": "楼道灯不亮",
        "submission": "k" * 24,
        **extra,
    }


def summary_of(page: str) -> str:
    pattern = r'<div class="error-summary" role="alert"[^>]*data-error-summary>(.*?)</div>'
    match = re.search(pattern, page, re.S)
    assert match, "no error summary on the page"
    return match.group(1)


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return match.group(0)


# --- part 2: errors that help ------------------------------------------------------------------


def test_report_errors_are_summarised_with_a_link_to_each_field_and_nothing_is_lost(demo) -> None:
    long_text = "长" * 6000
    client = login_client(user("jumin"))
    photo = SimpleUploadedFile("a.png", small_png(), content_type="image/png")
    response = client.post(
        reverse("issue-report"),
        report_data(description=long_text, unit_number="999", photos=[photo]),
    )
    assert response.status_code == 400
    page = response.content.decode()
    summary = summary_of(page)
    assert "出现问题" in summary
    assert 'href="#id_description"' in summary and 'href="#id_unit_number"' in summary
    assert "请重新选择" in summary  # the photos cannot be refilled: the person is told
    # The whole 6,000 characters come back (not cut to 4,000), with what else was typed.
    assert long_text in textarea(page, "description")
    assert re.search(r'name="unit_number"[^>]*value="999"|value="999"[^>]*name="unit_number"', page)
    assert not Issue.objects.filter(description__startswith="长长").exists()


def test_english_error_summary_heading(demo) -> None:
    client = login_client(user("jumin"))
    client.cookies["django_language"] = "en"
    response = client.post(reverse("issue-report"), report_data(description=""))
    assert response.status_code == 400
    assert "There is a problem" in summary_of(response.content.decode())


def test_textareas_show_their_limit_from_the_field_and_do_not_cut_text(demo) -> None:
    page = login_client(user("jumin")).get(reverse("issue-report")).content.decode()
    area = textarea(page, "description")
    assert "maxlength" not in area  # the browser would silently cut a pasted text
    assert 'aria-describedby="id_description-count-hint"' in area
    assert 'data-character-count="4000"' in page  # ReportForm.description.max_length
    assert re.search(r'id="id_description-count-hint"[^>]*>最多可以输入 4000 个字', page)
    assert 'aria-live="polite" data-count-status' in page
    assert "还可以输入 {count} 个字" in page  # the countdown's wording, for forms.js


def test_one_character_over_the_limit_is_refused_with_a_message_not_cut(demo) -> None:
    response = login_client(user("jumin")).post(
        reverse("issue-report"), report_data(description="字" * 4001)
    )
    assert response.status_code == 400
    assert 'href="#id_description"' in summary_of(response.content.decode())


def test_every_form_template_uses_the_shared_error_summary() -> None:
    """Built once: every template rendering form fields includes the one summary tag."""
    missing = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if 'include "issues/_field.html"' in path.read_text()
        and "{% error_summary" not in path.read_text()
    ]
    assert not missing


def test_triage_form_errors_keep_what_was_typed(demo) -> None:
    issue = report("电梯异响")
    response = login_client(user("juwei")).post(
        reverse("action", args=["issue", issue.pk, "dispatch"]),
        {"dispatch-title": "我写的标题", "dispatch-acceptance_criteria": "三天内修好"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_dispatch-responsible"' in summary_of(page)
    assert 'value="我写的标题"' in page and 'value="三天内修好"' in page


def test_htmx_rating_error_keeps_the_choice_and_the_comment(demo) -> None:
    issue, order = verified()
    response = login_client(user("jumin")).post(
        reverse("action", args=["work_order", order.pk, "confirm"]),
        {"confirm-fixed": "no", "confirm-comment": "还是不亮"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    fragment = response.content.decode()
    assert 'href="#id_confirm-rating_0"' in summary_of(fragment)
    assert re.search(r'id="id_confirm-fixed_1"[^>]*checked', fragment)
    assert 'value="还是不亮"' in fragment


def test_htmx_announcement_error_is_summarised_and_keeps_the_body(demo) -> None:
    response = login_client(user("wuye")).post(
        reverse("action", args=["compound", tuanjie().pk, "announce"]),
        {
            "announce-organization": tuanjie().property_provider_id,
            "announce-title": "",
            "announce-body": "明日停水",
        },
        HTTP_HX_REQUEST="true",
    )
    fragment = response.content.decode()
    assert 'href="#id_announce-title"' in summary_of(fragment)
    assert "明日停水</textarea>" in fragment


# --- part 4: the forms people use every day -------------------------------------------------


def test_report_form_preselects_the_residents_building_and_room(demo) -> None:
    page = login_client(user("jumin")).get(reverse("issue-report")).content.decode()
    building = tuanjie().buildings.get(name="2号楼")
    selected = rf'<option value="{building.pk}" selected data-compound="{tuanjie().pk}">'
    assert re.search(selected, page)
    assert re.search(r'name="unit_number" value="302"', page)


def test_building_list_names_each_buildings_compound_for_the_filter(demo) -> None:
    page = login_client(user("juwei")).get(reverse("issue-enter")).content.decode()
    assert "data-follows-compound" in page and "data-compound-select" in page
    options = re.findall(r'<option value="\d+" data-compound="(\d+)"', page)
    assert options and len(set(options)) > 1  # every building says which compound it is in


def test_dispatch_offers_community_organizations_as_checkboxes_and_a_title(demo) -> None:
    issue = report("3号楼电梯停运，老人下不了楼")
    page = login_client(user("juwei")).get(reverse("issue-detail", args=[issue.pk]))
    html = page.content.decode()
    boxes = re.findall(r'type="checkbox" name="dispatch-co_operating" value="(\d+)"', html)
    assert boxes, "co-operating organizations are checkboxes"
    assert '<select name="dispatch-co_operating"' not in html
    community = tuanjie().community
    offered = Organization.objects.filter(pk__in=boxes)
    others = Organization.objects.exclude(pk__in=boxes).exclude(kind="developer")
    assert all(
        o.community_id == community.pk
        or o.served_compounds.filter(community=community).exists()
        or o.represented_compounds.filter(community=community).exists()
        for o in offered
    )
    assert others.exists()  # not every organization of the subdistrict is offered
    assert 'value="3号楼电梯停运，老人下不了楼"' in html  # the title starts from the issue


def test_respond_and_resolve_by_are_shown_before_dispatching(demo) -> None:
    issue = report("水管爆裂")
    page = login_client(user("juwei")).get(reverse("issue-detail", args=[issue.pk]))
    respond_by, resolve_by = sla_deadlines(category=issue.category, urgency=issue.urgency)
    shown = re.search(r'id="dispatch-deadlines">(.*?)</p>', page.content.decode(), re.S)
    assert shown
    local = timezone.localtime
    for when in (respond_by, resolve_by):
        # The page is rendered a moment before: the minute may have turned.
        assert any(
            date_format(local(when - timedelta(minutes=m)), "SHORT_DATETIME_FORMAT")
            in shown.group(1)
            for m in (0, 1)
        )


def test_triage_queue_shows_urgency_age_and_the_sla_clock(demo) -> None:
    issue = report("路灯不亮")
    Issue.objects.filter(pk=issue.pk).update(
        urgency=Urgency.EMERGENCY, created_at=timezone.now() - timedelta(hours=3)
    )
    inbox = login_client(user("juwei")).get(reverse("inbox")).content.decode()
    row = re.search(rf'id="triage-row-{issue.pk}">(.*?)</li>', inbox, re.S)
    assert row
    assert "紧急" in row.group(1)
    assert "已等待 3" in row.group(1)
    assert 'class="sla-clock overdue"' in row.group(1)  # emergency: respond within 1 hour


def _convene_data(**data: object) -> dict[str, object]:
    start = (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    values = {
        "title": "",
        "organization": user("shuji").memberships.first().organization_id,
        "compound": tuanjie().pk,
        "starts_at": start,
        "place": "居委会会议室",
        "agenda": "议题一\n议题二",
        "adoption_rule": Session.AdoptionRule.MAJORITY,
        **data,
    }
    return {f"convene-{key}": value for key, value in values.items()}


def test_convene_form_keeps_every_choice_and_shows_who_will_be_invited(demo) -> None:
    waiting = report("楼道堆物")
    Issue.objects.filter(pk=waiting.pk).update(status=Issue.Status.AWAITING_SESSION)
    client = login_client(user("shuji"))
    step = reverse("action", args=["compound", tuanjie().pk, "convene"])
    page = client.get(step).content.decode()
    assert "将邀请哪些单位" in page and tuanjie().property_provider.name in page
    # the residents choose their representatives; the committee does not name them
    # (docs/law.md §10)
    assert "<li>居民代表: 由社区党组织、居委会组织居民推选</li>" in page
    assert "指定" not in page
    assert f'name="convene-issues" value="{waiting.pk}"' in page  # waiting issues offered
    response = client.post(step, _convene_data(issues=[waiting.pk]))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#id_convene-title"' in summary_of(page)
    assert "议题一\n议题二</textarea>" in page
    assert 'value="居委会会议室"' in page
    assert re.search(rf'value="{waiting.pk}"[^>]*checked', page)
    assert re.search(r'<option value="majority" selected>', page)
    assert re.search(rf'<option value="{tuanjie().pk}" selected>', page)
    assert '<div class="field' in page  # the same field markup as every other form
