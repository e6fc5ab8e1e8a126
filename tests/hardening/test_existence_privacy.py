"""Existence privacy (issue 16, part 5): for an object whose very existence is private (an
issue, a work order, an owners' vote, a consultation session, a hotline import, and what
hangs off them), someone who may not know of it gets *exactly* the answer a missing id gets:
the same status, body and headers. A 403 would say "this id exists", so ids could be
probed. Someone who may see the object but not act on it still gets the honest 403.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from deliberation.models import (
    Escalation,
    ExtensionRequest,
    HotlineImport,
    Invitation,
    Issue,
    IssuePhoto,
    OwnersVote,
    Session,
    WorkOrder,
)
from tests.support import not_found
from tests.support.clients import login_client
from tests.support.demo import Demo

from . import growth_sessions, surfaces_intake, surfaces_votes

pytestmark = pytest.mark.django_db


def _missing(model: type[Any]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1000


def _alike(client: Client, method: str, url: Callable[[int], str], pk: int, missing: int) -> None:
    send = client.get if method == "GET" else client.post
    forbidden = not_found.answer(send(url(pk)), url(pk))
    absent = not_found.answer(send(url(missing)), url(missing))
    assert forbidden[0] == 404, (url(pk), forbidden[0])
    assert forbidden == absent, (url(pk), forbidden, absent)


def _issue(demo: Demo) -> Issue:
    from tests.intake.factories import dispatched

    return dispatched("existence: 楼道灯坏了")[0]


def _order(demo: Demo) -> WorkOrder:
    from tests.intake.factories import dispatched

    return dispatched("existence: 电梯停运")[1]


def _extension(demo: Demo) -> ExtensionRequest:
    from datetime import timedelta

    from deliberation.services.work_orders import accept_work_order, request_extension

    order = accept_work_order(work_order=_order(demo), actor=demo.user("wuye"))
    return request_extension(
        work_order=order,
        actor=demo.user("wuye"),
        reason="等配件",
        new_resolve_by=order.resolve_by + timedelta(days=2),
    )


def _escalation(demo: Demo) -> Escalation:
    return surfaces_intake.escalation(demo)


# kind → (the object, (method, url of pk) to try, the account that may not know of it)
CASES: dict[str, tuple[Callable[[Demo], Any], list[tuple[str, Callable[[int], str]]], str]] = {
    "issue": (
        _issue,
        [
            ("GET", lambda pk: reverse("issue-detail", args=[pk])),
            ("POST", lambda pk: reverse("action", args=["issue", pk, "categorise"])),
            ("GET", lambda pk: reverse("issue-photo", args=[pk, 1])),
        ],
        "jumin2",  # a resident of 轻工宿舍; the issue is in 团结公寓
    ),
    "work order": (
        _order,
        [
            ("GET", lambda pk: reverse("work-order-detail", args=[pk])),
            ("POST", lambda pk: reverse("action", args=["work_order", pk, "accept"])),
            ("GET", lambda pk: reverse("work-order-evidence", args=[pk, 1])),
        ],
        "juwei2",  # the other community's residents' committee
    ),
    # An extension request and an escalation are known to whoever may know their order.
    "extension request": (
        _extension,
        [
            ("POST", lambda pk: reverse("action", args=["extension", pk, "decide"])),
            ("GET", lambda pk: reverse("action-controls", args=["extension", pk])),
        ],
        "juwei2",
    ),
    "escalation": (
        _escalation,
        [
            ("POST", lambda pk: reverse("action", args=["escalation", pk, "handle"])),
            ("GET", lambda pk: reverse("action", args=["escalation", pk, "handle"])),
        ],
        "juwei2",
    ),
    "owners' vote": (
        surfaces_votes.meeting,
        [
            ("GET", lambda pk: reverse("vote-detail", args=[pk])),
            ("GET", lambda pk: reverse("vote-audit", args=[pk])),
            ("GET", lambda pk: reverse("vote-notice-pdf", args=[pk])),
            ("GET", lambda pk: reverse("vote-ballots-pdf", args=[pk])),
            ("GET", lambda pk: reverse("vote-petition-pdf", args=[pk])),
            ("GET", lambda pk: reverse("vote-results-pdf", args=[pk])),
            ("POST", lambda pk: reverse("action", args=["vote", pk, "cast"])),
            ("POST", lambda pk: reverse("action", args=["vote", pk, "notice"])),
            ("POST", lambda pk: reverse("action", args=["vote", pk, "check_receipt"])),
            ("GET", lambda pk: reverse("vote-document", args=[pk, 1])),
            ("GET", lambda pk: reverse("action-controls", args=["vote", pk])),
        ],
        "jumin2",
    ),
    "session": (
        growth_sessions.demo_session,
        [
            ("GET", lambda pk: reverse("session-room", args=[pk])),
            ("GET", lambda pk: reverse("session-public", args=[pk])),
            ("GET", lambda pk: reverse("session-board", args=[pk, "public"])),
            ("GET", lambda pk: reverse("session-ics", args=[pk, "provider"])),
            ("GET", lambda pk: reverse("session-minutes", args=[pk])),
            ("POST", lambda pk: reverse("action", args=["session", pk, "add_item"])),
            ("POST", lambda pk: reverse("action", args=["session", pk, "open_item"])),
            ("POST", lambda pk: reverse("action", args=["session", pk, "open"])),
            ("GET", lambda pk: reverse("action-controls", args=["session", pk])),
            ("POST", lambda pk: reverse("action", args=["invitation", _invited(pk), "accept"])),
            ("GET", lambda pk: reverse("action-controls", args=["invitation", _invited(pk)])),
        ],
        "juwei2",
    ),
    "hotline import": (
        surfaces_intake.hotline_batch,
        [
            ("GET", lambda pk: reverse("hotline-preview", args=[pk])),
            ("POST", lambda pk: reverse("action", args=["hotline_import", pk, "confirm"])),
            ("POST", lambda pk: reverse("action", args=["hotline_import", pk, "step"])),
            ("POST", lambda pk: reverse("action", args=["hotline_import", pk, "cancel"])),
        ],
        "juwei2",  # imports hotline files too, but this one is juwei's
    ),
}


def _invited(session_pk: int) -> int:
    """The provider's invitation to the session (a missing session: a missing invitation)."""
    found = Invitation.objects.filter(session_id=session_pk, party="provider").first()
    return found.pk if found else 999_999_999


MODELS = {
    "issue": Issue,
    "work order": WorkOrder,
    "extension request": ExtensionRequest,
    "escalation": Escalation,
    "owners' vote": OwnersVote,
    "session": Session,
    "hotline import": HotlineImport,
}


@pytest.mark.parametrize("kind", sorted(CASES))
def test_a_forbidden_id_answers_exactly_like_a_missing_one(demo: Demo, kind: str) -> None:
    make, urls, username = CASES[kind]
    obj = make(demo)
    client = login_client(demo.user(username))
    missing = _missing(MODELS[kind])
    for method, url in urls:
        _alike(client, method, url, obj.pk, missing)


def test_an_issue_photo_of_a_hidden_issue_answers_like_a_missing_photo(demo: Demo) -> None:
    """The photo id is real too: still nothing tells that it exists."""
    from django.core.files.base import ContentFile

    issue = _issue(demo)
    photo = IssuePhoto.objects.create(
        issue=issue,
        token="existence",
        file=ContentFile(b"\x89PNG", name="p.png"),
        content_type="image/png",
        size=4,
    )
    client = login_client(demo.user("jumin2"))
    real = reverse("issue-photo", args=[issue.pk, photo.pk])
    missing = reverse("issue-photo", args=[issue.pk, photo.pk + 1000])
    forbidden = not_found.answer(client.get(real), real)
    absent = not_found.answer(client.get(missing), missing)
    assert forbidden[0] == 404 and forbidden == absent


def test_a_hidden_refusal_changes_nothing(demo: Demo) -> None:
    """The 404 for a hidden order is a refusal like the 403 was: nothing is stored."""
    order = _order(demo)
    response = login_client(demo.user("juwei2")).post(
        reverse("action", args=["work_order", order.pk, "accept"])
    )
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == WorkOrder.Status.DISPATCHED


@pytest.mark.parametrize(
    ("username", "url"),
    [
        # jumin sees the issue in his compound, but may not triage it
        ("jumin", lambda d: reverse("action", args=["issue", _issue(d).pk, "categorise"])),
        # the firm sees its order, but the verification is the community's
        ("wuye", lambda d: reverse("action", args=["work_order", _order(d).pk, "verify"])),
        # jumin sees his compound's meeting, but not individual ballots
        ("jumin", lambda d: reverse("vote-audit", args=[surfaces_votes.meeting(d).pk])),
        # the firm follows the session, but does not chair it
        (
            "wuye",
            lambda d: reverse(
                "action", args=["session", growth_sessions.demo_session(d).pk, "open_item"]
            ),
        ),
    ],
)
def test_who_sees_the_object_but_may_not_act_still_gets_403(
    demo: Demo, username: str, url: Callable[[Demo], str]
) -> None:
    client = login_client(demo.user(username))
    target = url(demo)
    response = client.get(target) if "audit" in target else client.post(target)
    assert response.status_code == 403, (username, target, response.status_code)


def test_marking_a_duplicate_does_not_tell_whether_another_compounds_issue_exists(
    demo: Demo,
) -> None:
    """中路's committee triages an issue in 团结公寓 as a duplicate: naming an issue of
    轻工宿舍 (北里's, which it may not see) is answered like naming no issue at all."""
    from tests.intake.factories import report

    mine = report("existence: 楼道有异味")
    theirs = report("existence: 北里的诉求", username="jumin2", compound=demo.qinggong)
    client = login_client(demo.user("juwei"))
    url = reverse("action", args=["issue", mine.pk, "duplicate"])

    def errors(duplicate_of: int) -> tuple[int, list[str]]:
        response = client.post(url, {"dup-duplicate_of": duplicate_of})
        html = response.content.decode()
        return response.status_code, re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', html)

    forbidden, absent = errors(theirs.pk), errors(_missing(Issue))
    assert forbidden[0] == 400 and forbidden == absent, (forbidden, absent)
    assert Issue.objects.get(pk=mine.pk).status == Issue.Status.NEW


def test_the_existence_table_names_real_models_and_registered_rules() -> None:
    """A typo in ``EXISTENCE_RULES`` would make ``visible_or_404`` raise KeyError (a 500) or
    deny everyone: every key is a model, every rule is registered."""
    from django.apps import apps

    from deliberation import policy
    from deliberation.policy.registry import ACTION_RULES

    models = {m.__name__ for m in apps.get_app_config("deliberation").get_models()}
    assert set(policy.EXISTENCE_RULES) <= models
    assert {r for rules in policy.EXISTENCE_RULES.values() for r in rules} <= set(ACTION_RULES)
