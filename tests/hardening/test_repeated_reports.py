"""Issue 16 part 4: a double-clicked report creates one issue. The form carries a key made
when it is shown; a second post with that key is sent to the issue the first created."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import IdempotencyKey, Issue
from tests.concurrency import run_together
from tests.sessions.helpers import user
from tests.support.clients import login_client


def _key(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    found = re.search(r'name="submission" value="([A-Za-z0-9_-]+)"', page)
    assert found, "the form carries no submission key"
    return found.group(1)


def _report(demo, **data: object) -> dict[str, object]:
    return {
        "compound": demo.tuanjie.pk,
        "urgency": "ordinary",
        "description": "楼道灯坏了",
        **data,
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "url_name", "extra"),
    [
        ("jumin", "issue-report", {}),
        ("juwei", "issue-enter", {"channel": "phone", "reporter_name": "王阿姨"}),
    ],
)
def test_the_second_post_of_a_form_goes_to_the_first_issue(demo, username, url_name, extra) -> None:
    client = login_client(user(username))
    url = reverse(url_name)
    key = _key(client, url)
    before = Issue.objects.count()
    first = client.post(url, _report(demo, submission=key, **extra))
    second = client.post(url, _report(demo, submission=key, **extra), follow=True)
    assert first.status_code == 302
    assert second.redirect_chain[0][0] == first["Location"]
    number = first["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert f"这条反映已经收到（编号 #{number}）" in second.content.decode()
    assert Issue.objects.count() == before + 1
    # A new form (a new key) is a new report.
    third = client.post(url, _report(demo, submission=_key(client, url), **extra))
    assert third.status_code == 302 and third["Location"] != first["Location"]
    assert Issue.objects.count() == before + 2


@pytest.mark.django_db
def test_a_key_is_the_reporters_own(demo) -> None:
    """Someone else's key (seen, guessed) does not lead to their issue: it is a new report."""
    a, b = login_client(user("jumin")), login_client(user("jumin"))
    key = _key(a, reverse("issue-report"))
    first = a.post(reverse("issue-report"), _report(demo, submission=key))
    other = login_client(user("juwei")).post(
        reverse("issue-enter"), _report(demo, submission=key, channel="phone")
    )
    assert other.status_code == 302 and other["Location"] != first["Location"]
    assert (
        b.post(reverse("issue-report"), _report(demo, submission=key))["Location"]
        == (first["Location"])
    )


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["short", "a" * 65, "bad key with spaces!", "k\x00" * 10])
def test_a_malformed_key_is_a_400_and_stores_nothing(demo, key) -> None:
    before = (Issue.objects.count(), IdempotencyKey.objects.count())
    response = login_client(user("jumin")).post(
        reverse("issue-report"), _report(demo, submission=key)
    )
    assert response.status_code == 400
    assert (Issue.objects.count(), IdempotencyKey.objects.count()) == before


@pytest.mark.django_db(transaction=True)
def test_twenty_identical_posts_at_once_make_one_issue(tdemo) -> None:
    """PostgreSQL, real threads: each post waits on the key's unique index until the first
    commits, then answers with the first one's issue."""
    resident = user("jumin")
    clients = [login_client(resident) for _ in range(20)]
    key = _key(clients[0], reverse("issue-report"))
    before = Issue.objects.count()
    data = _report(tdemo, submission=key, description="二十次点击")

    results = run_together([lambda c=c: c.post(reverse("issue-report"), data) for c in clients])
    assert all(not isinstance(r, Exception) for r in results), results
    assert {r.status_code for r in results} == {302}
    assert len({r["Location"] for r in results}) == 1
    assert Issue.objects.count() == before + 1
    assert Issue.objects.filter(description="二十次点击").count() == 1
