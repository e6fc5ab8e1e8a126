"""Posting to a compound's notice board through the web (the ``compound.announce`` action on
the one action URL), with bad input and permissions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deliberation.actions import KINDS
from deliberation.models import Announcement, Event
from tests.support.clients import login_client


@pytest.fixture(autouse=True)
def empty_boards(demo) -> None:
    """The demo seeds notices (owners' meeting notices); these tests start from none."""
    Announcement.objects.all().delete()
    Event.objects.all().delete()


def post_url(compound) -> str:
    return reverse("action", args=["compound", compound.pk, "announce"])


def fields(**data: object) -> dict[str, object]:
    """The action's form fields carry its name as prefix."""
    return {f"announce-{k}": v for k, v in data.items()}


def test_provider_posts_and_the_board_is_pushed(demo, django_capture_on_commit_callbacks) -> None:
    client = login_client(demo.user("wuye"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            post_url(demo.tuanjie),
            fields(
                organization=demo.tuanjie.property_provider_id,
                title="停水<b>通知</b>",
                body="明日停水",
            ),
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    body = response.content.decode()
    assert f'id="controls-compound-{demo.tuanjie.pk}"' in body  # the poster's controls
    assert "停水&lt;b&gt;通知&lt;/b&gt;" in body and "<b>通知" not in body  # the notice says what
    assert Announcement.objects.count() == 1
    event = Event.objects.get(kind="announcement.posted")
    assert event.topic == f"compound:{demo.tuanjie.pk}:public"
    assert "停水&lt;b&gt;通知&lt;/b&gt;" in event.html["zh-hans"]


def test_the_compound_page_draws_the_step_from_the_registry(demo) -> None:
    page = login_client(demo.user("wuye")).get(reverse("compound-detail", args=[demo.tuanjie.pk]))
    body = page.content.decode()
    assert f'id="compound-announce-{demo.tuanjie.pk}"' in body
    assert f'action="{post_url(demo.tuanjie)}"' in body
    assert 'name="announce-title"' in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "body": "x"}, "这个字段是必填项。"),
        ({"title": "x" * 121, "body": "x"}, "不超过 120 字符"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_stores_nothing(demo, data, message) -> None:
    client = login_client(demo.user("wuye"))
    response = client.post(
        post_url(demo.tuanjie), fields(organization=demo.tuanjie.property_provider_id, **data)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Announcement.objects.exists() and not Event.objects.exists()


def test_a_page_without_script_is_sent_back_with_what_happened(demo) -> None:
    client = login_client(demo.user("wuye"))
    data = fields(organization=demo.tuanjie.property_provider_id, title="停电", body="b")
    response = client.post(post_url(demo.tuanjie), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("compound-detail", args=[demo.tuanjie.pk])
    assert "停电" in response.content.decode() and Announcement.objects.count() == 1


def test_cannot_post_as_an_organization_that_does_not_serve_the_compound(demo) -> None:
    client = login_client(demo.user("juwei"))  # 中路 residents' committee
    other_org = demo.qinggong.property_provider_id
    response = client.post(
        post_url(demo.tuanjie), fields(organization=other_org, title="t", body="b")
    )
    assert response.status_code == 400
    assert not Announcement.objects.exists()


@pytest.mark.parametrize("username", ["jumin", "jumin2", "fangguan"])
def test_who_may_not_post_gets_403_and_nothing_changes(demo, username) -> None:
    client = login_client(demo.user(username))
    response = client.post(
        post_url(demo.tuanjie),
        fields(organization=demo.tuanjie.property_provider_id, title="t", body="b"),
    )
    assert response.status_code == 403
    assert not Announcement.objects.exists()


def test_anonymous_is_sent_to_login(demo) -> None:
    from django.test import Client

    response = Client().get(reverse("compound-detail", args=[demo.tuanjie.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("username", "status"), [("jumin", 200), ("jumin2", 403), ("wuye", 200), ("jiedao", 200)]
)
def test_compound_page_visibility(demo, username, status) -> None:
    response = login_client(demo.user(username)).get(
        reverse("compound-detail", args=[demo.tuanjie.pk])
    )
    assert response.status_code == status


def test_english_is_available(demo) -> None:
    client = login_client(demo.user("jumin"))
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "My compound" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert "我的小区" in client.get("/").content.decode()


def _add_announcements(demo, n: int) -> None:
    compound = demo.tuanjie
    Announcement.objects.bulk_create(
        Announcement(
            compound=compound,
            organization=compound.property_provider,
            author=demo.user("wuye"),
            title=f"t{i}",
            body="b",
        )
        for i in range(n)
    )


@pytest.mark.parametrize("path", ["home", "compound"])
@pytest.mark.parametrize("username", ["jumin", "wuye"])
def test_pages_issue_the_same_queries_at_10_and_1000_rows(demo, path, username) -> None:
    client = login_client(demo.user(username))
    url = "/" if path == "home" else reverse("compound-detail", args=[demo.tuanjie.pk])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _add_announcements(demo, 10)
    client.get(url)  # warm the session
    at_10 = count()
    _add_announcements(demo, 990)
    assert count() == at_10
    # The home page carries the person's task list: one joined query per kind of task.
    task_list = sum(1 for kind in KINDS.values() if kind.task_candidates) + 2
    assert at_10 <= 12 + (task_list if path == "home" else 0)
