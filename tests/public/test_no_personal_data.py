"""No public page or fragment carries a person (issue 11 §4): a visitor without a login
walks every page reachable from the public entry points (the subdistrict page, the guide,
every issue's status link, every URL that takes no argument), following every link, and no
answer contains any personal field of the data: a name, a phone number (or its masked
form), the room of anyone's home, a reporter's words, a staff-only note, a comment.

The world is the demo, driven to where most is published: minutes, a vote's results (its
notice names the owners' committee that posted it), a notice and timeline steps written
carelessly with a resident's name, phone and room in them, a phone report by a caller."""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from urllib.parse import urldefrag

from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from deliberation.models import Issue, IssueActivity, Organization, Residency
from deliberation.selectors.public_status import status_token
from deliberation.services.announcements import post_announcement
from deliberation.services.issues import record_issue_activity, report_issue
from deliberation.services.votes import publish_results
from tests.hardening.growth_sessions import minuted_session
from tests.hardening.surfaces_votes import tallied
from tests.intake.factories import dispatched

#: Fields that hold something about a person, by name, in every model of ours.
PERSONAL_FIELDS = {
    "display_name",
    "phone",
    "email",
    "reporter_name",
    "reporter_phone",
    "staff_note",
    "staff_notes",
    "reporter_comment",
    "rating_comment",
    "comment",
}
#: Texts shorter than this are too common to mean a person (a one-character name).
SHORTEST = 2
LINK = re.compile(r'(?:href|src|hx-get|action)="(/[^"]*)"')
NOT_FOLLOWED = ("/static/", "/i18n/", "/admin/", "/ws/")


def personal_texts() -> dict[str, str]:
    """Every personal value in the database → where it comes from."""
    found: dict[str, str] = {}
    for model in apps.get_app_config("deliberation").get_models():
        fields = [f.name for f in model._meta.get_fields() if f.name in PERSONAL_FIELDS]
        if model is Issue:
            fields.append("description")  # the reporter's own words
        for name in fields:
            for value in model.objects.exclude(**{name: ""}).values_list(name, flat=True):
                text = str(value).strip()
                if len(text) >= SHORTEST:
                    found[text] = f"{model.__name__}.{name}"
                if "phone" in name and len(text) >= 7:
                    found[f"{text[:3]}****{text[-4:]}"] = f"{model.__name__}.{name} (masked)"
    for model_name in ("Voter", "PetitionSignature"):  # owners' labels ("业主1号楼101")
        model = apps.get_model("deliberation", model_name)
        for label in model.objects.filter(key__startswith="p").values_list("label", flat=True):
            found[label] = f"{model_name}.label"
    for building, number, compound in Residency.objects.values_list(
        "unit__building__name", "unit__number", "unit__building__compound__name"
    ):
        for room in (f"{building}{number}", f"{building} {number}", f"{building}-{number}"):
            found[room] = "a home's room"
        found[f"{compound} {building}-{number}"] = "a home (unit)"
    return found


def no_argument_urls(resolver: URLResolver | None = None, prefix: str = "/") -> Iterator[str]:
    for p in (resolver or get_resolver()).url_patterns:
        route = str(p.pattern)
        if "<" in route or "(?P" in route or route.startswith(("admin", "^admin")):
            continue
        if isinstance(p, URLResolver):
            yield from no_argument_urls(p, prefix + route.lstrip("^"))
        elif isinstance(p, URLPattern):
            yield prefix + route.lstrip("^").rstrip("$")


def crawl(seeds: list[str]) -> dict[str, str]:
    """Every page a visitor without a login reaches from ``seeds`` → its text."""
    client = Client()
    pages: dict[str, str] = {}
    queue, seen = list(seeds), set(seeds)
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/", "application/json", "application/xml")):
            continue
        text = response.content.decode()
        pages[url] = html_lib.unescape(text)
        for link in LINK.findall(text):
            link = urldefrag(html_lib.unescape(link))[0]
            if link not in seen and not link.startswith(NOT_FOLLOWED):
                seen.add(link)
                queue.append(link)
    return pages


def _published_world(demo) -> list[Issue]:
    minuted_session(demo)
    publish_results(actor=demo.user("yeweihui"), vote=tallied(demo))
    tuanjie = demo.tuanjie
    post_announcement(
        author=demo.user("juwei"),
        organization=Organization.objects.get(name="团结湖中路社区居委会"),
        compound=tuanjie,
        title="请卫阿姨（团结公寓居民）来居委会",
        body="卫阿姨（团结公寓居民），电话 13800000012，住 2号楼302：快递在居委会。",
    )
    issue, _ = dispatched("2号楼302卫生间漏水到楼下，家里电话13800000012")
    record_issue_activity(
        issue=issue,
        kind=IssueActivity.Kind.NOTE,
        public_text="已联系卫阿姨（团结公寓居民）（13800000012），明天去2号楼302查看",
        staff_note="内部：这位业主已投诉三次",
        actor=demo.user("juwei"),
    )
    phoned = report_issue(
        actor=demo.user("juwei"),
        channel=Issue.Channel.PHONE,
        description="小区门口路灯不亮",
        compound=tuanjie,
        reporter_name="打电话的何先生",
        reporter_phone="13912345678",
    )
    return [issue, phoned]


def test_no_public_page_carries_a_personal_field(demo) -> None:
    issues = _published_world(demo)
    seeds = [
        reverse("public-subdistrict"),
        reverse("public-guide"),
        *(reverse("public-issue-status", args=[status_token(i)]) for i in Issue.objects.all()),
        *no_argument_urls(),
    ]
    pages = crawl(seeds)
    # the walk reached what it is meant to scan
    for url in (
        reverse("public-compound", args=[demo.tuanjie.pk]),
        reverse("public-issue-status", args=[status_token(issues[0])]),
        reverse("public-issue-status", args=[status_token(issues[1])]),
        reverse("public-figures", args=[demo.tuanjie.pk]),
        reverse("ledger-public", args=[demo.tuanjie.pk]),
        reverse("service-alliance"),
        reverse("evaluation-history", args=[demo.tuanjie.property_provider_id]),
    ):
        assert url in pages, url
    assert "快递在居委会" in pages[reverse("public-compound", args=[demo.tuanjie.pk])]

    personal = personal_texts()
    assert "卫阿姨（团结公寓居民）" in personal and "13800000012" in personal
    assert "2号楼302" in personal and "内部：这位业主已投诉三次" in personal
    leaks = [
        f"{url}: {value!r} ({source})"
        for url, text in pages.items()
        for value, source in personal.items()
        if value in text
    ]
    assert not leaks, f"{len(pages)} public pages; personal data on them:\n" + "\n".join(leaks)
