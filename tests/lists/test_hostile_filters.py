"""Hostile query strings on every list never fail: an id beyond a bigint, another spelling
of a number, markup, NUL, absurd dates and pages get a page (400 at the field for a bad
filter), never a 500, and what is typed comes back escaped."""

from __future__ import annotations

from django.urls import reverse

from tests.support.clients import login_client
from tests.support.demo import user

HOSTILE = [
    "99999999999999999999999",
    "１２",
    "٣",
    "-1",
    "0",
    "1e3",
    "<script>alert(1)</script>",
    "a\x00b",
    "9999-99-99",
    "0001-01-01",
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
]
PARAMS = ["q", "status", "compound", "category", "party", "since", "until", "mine", "page"]


def lists(demo) -> list[tuple[str, str]]:
    tuanjie = demo.tuanjie.pk
    return [
        ("jumin", reverse("issue-list")),
        ("shuji", reverse("session-list")),
        ("dudao", reverse("escalation-history")),
        ("jumin", reverse("compound-votes", args=[tuanjie])),
        ("jumin", reverse("compound-notices", args=[tuanjie])),
        ("wuye", reverse("work-order-list")),
    ]


def test_hostile_filter_values_never_fail(demo) -> None:
    for username, url in lists(demo):
        client = login_client(user(username))
        for value in HOSTILE:  # every filter at once: each field is cleaned on its own
            response = client.get(url, dict.fromkeys(PARAMS, value))
            assert response.status_code in (200, 400), (url, value, response.status_code)
            assert "<script>alert(1)</script>" not in response.content.decode(), url


def test_hostile_values_in_the_inbox_sections_never_fail(demo) -> None:
    """The inbox's sections take the same fields under their prefix (``orders-<org>-q``,
    ``triage-<org>-page``, the committee's ``verify-<org>-…`` and ``extensions-<org>-…``): a
    bad value is a 400 naming that section's field, on the page and on the section a
    filtered page fetches again."""
    firm = demo.tuanjie.property_provider_id
    committee = demo.tuanjie.community.residents_committee_id
    sections = [
        ("wuye", firm, "orders"),
        ("juwei", committee, "triage"),
        ("juwei", committee, "verify"),
        ("juwei", committee, "extensions"),
    ]
    for username, org, section in sections:
        client = login_client(user(username))
        urls = [reverse("inbox"), reverse("inbox-section", args=[org, section])]
        for value in HOSTILE:
            query = {f"{section}-{org}-{name}": value for name in PARAMS + ["overdue"]}
            for url in urls:
                response = client.get(url, query)
                assert response.status_code in (200, 400), (url, value, response.status_code)
                assert "<script>alert(1)</script>" not in response.content.decode(), url
        bad = client.get(reverse("inbox"), {f"{section}-{org}-compound": "99999999999999999999"})
        assert bad.status_code == 400
        assert f'id="id_{section}-{org}-compound-errors"' in bad.content.decode()
        if section in ("verify", "extensions"):  # by party too; the refetch (no form) 400s
            party = {f"{section}-{org}-party": "-1", f"{section}-{org}-q": "x"}
            bad = client.get(reverse("inbox"), party)
            assert bad.status_code == 400
            assert f'id="id_{section}-{org}-party-errors"' in bad.content.decode()
            url = reverse("inbox-section", args=[org, section])
            assert client.get(url, party).status_code == 400
