"""Every state-changing POST goes through the one action shape.

The walk below visits every URL pattern of the project (includes expanded, path converters
filled with a plausible value) and POSTs to it, logged in as a superuser and anonymously.
Every URL must refuse the POST — 405, or for an anonymous client the login redirect (or a
403/404 where the view refuses before asking the method) — except the one action URL
(``deliberation.views.actions``: ``POST /<kind>/<id>/actions/<name>/``) and the URLs in
``ALLOWED_POSTS``, each with the reason it is not an action on an existing thing.

A new view that accepts POST without being an action fails here until it is either turned
into an action (``deliberation/actions/``) or listed below with its reason.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from deliberation.models import User
from deliberation.views.actions import action_view

#: The one URL every state-changing step on an existing thing is POSTed to.
ACTION_URL = "action"

#: URL names that accept POST outside the action shape, and why.
ALLOWED_POSTS: dict[str, str] = {
    "issue-report": "creation: a resident reports a new issue (no thing exists yet to act on)",
    "issue-enter": "creation: staff enter an issue taken by phone or in person (a new thing)",
    "hotline-upload": "creation: uploading a 12345 file makes a new import batch to preview",
    "owner-register-import": (
        "a read: the uploaded register is parsed and previewed, nothing is stored; its "
        "confirm step is the compound.import_register action"
    ),
    "open311-requests": "Open311 GeoReport v2: POST creates a service request (its own shape)",
    "evaluation-list": (
        "creation: the subdistrict opens a new evaluation cycle (no cycle exists yet)"
    ),
    "committee-check": (
        "a read: the composition typed so far is checked against the rules and the answer "
        "shown as the form is filled; nothing is stored (the form's own step is an action)"
    ),
    "account-register": "creation: a person without an account asks for one (none exists yet)",
    "account-register-verify": "creation: the code sent to the phone creates the account",
    "account-homes": "creation: a resident asks to link a home (a new link request)",
    "residents-import": (
        "a read: the uploaded spreadsheet is parsed and previewed, nothing is stored; its "
        "confirm step is the compound.import_residents action"
    ),
    "account-reset": "authentication: a password reset by phone or e-mail asks for a code",
    "account-reset-verify": "authentication: the code from the phone sets a new password",
    "password_reset_confirm": "Django's authentication: the e-mailed reset link sets a password",
    "api-v1:api-action": (
        "the JSON API's face of the one action endpoint: a key's steps go through the same "
        "actions.perform (deliberation/views/api/steps.py)"
    ),
    "api-v1:api-root": "the JSON API's root: its JSON 404 for any method, stores nothing",
    "login": "Django's authentication (no thing to act on)",
    "logout": "Django's authentication: LogoutView is POST-only",
    "set_language": "Django's language switch (a preference in the session)",
    "notification-read": (
        "a person's own bookkeeping: marking their notifications read (no thing of the domain)"
    ),
    "notification-preferences": "a person's own settings: how they want to be notified",
    "account-wechat-unbind": "a person's own setting: forgetting the WeChat bound to them",
}

#: Whole namespaces outside the walk, and why.
ALLOWED_NAMESPACES: dict[str, str] = {
    "admin": "Django's admin: its own forms, CSRF and permissions, for superusers only",
}

#: Path prefixes of unnamed patterns outside the walk, and why.
ALLOWED_UNNAMED: dict[str, str] = {
    "/open311/v2/": "Open311's catch-all: the standard's JSON 404 for any method, stores nothing",
    "/api/v1/": "the JSON API's catch-all: its JSON 404 for any method, stores nothing",
}

#: Values tried for each path parameter, until the path resolves to the same view.
SAMPLES = ("1", "x", "json", "staff", "public")


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name", or "" for an unnamed pattern
    path: str
    pattern: URLPattern


def _fill(prefix: str, pattern: URLPattern) -> str:
    """A path that resolves to ``pattern``, its parameters filled with plausible values."""
    regex = pattern.pattern.regex.pattern
    for template, params in normalize(prefix + regex.lstrip("^")):
        for values in itertools.product(SAMPLES, repeat=len(params)):
            path = "/" + template % dict(zip(params, values, strict=True))
            try:
                match = resolve(path)
            except Resolver404:
                continue
            if match.func == pattern.callback:
                return path
    raise AssertionError(f"no sample path resolves to {pattern!r}: add a value to SAMPLES")


def routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    """Every leaf URL pattern of the project, includes expanded."""
    for p in (resolver or get_resolver()).url_patterns:
        regex = p.pattern.regex.pattern.lstrip("^").removesuffix("\\Z").removesuffix("$")
        if isinstance(p, URLResolver):
            if p.namespace in ALLOWED_NAMESPACES:
                continue
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from routes(p, prefix + regex, inner)
        elif isinstance(p, URLPattern):
            name = namespace + p.name if p.name else ""
            yield Route(name, _fill(prefix, p), p)


ROUTES = list(routes())
CHECKED = [r for r in ROUTES if r.name != ACTION_URL and r.name not in ALLOWED_POSTS]


def _route_id(route: Route) -> str:
    return route.name or route.path


def _unnamed_allowed(route: Route) -> bool:
    return any(route.path.startswith(prefix) for prefix in ALLOWED_UNNAMED)


def test_the_walk_sees_the_project() -> None:
    """The walk reaches the pages, the fragments and the one action URL (or it proves
    nothing); the allowlist names only URLs that exist."""
    names = {r.name for r in ROUTES}
    assert {ACTION_URL, "home", "compound-detail", "action-controls", "session-board"} <= names
    assert not set(ALLOWED_POSTS) - names, "allowlisted URL names that no longer exist"
    assert all(reason for reason in [*ALLOWED_POSTS.values(), *ALLOWED_UNNAMED.values()])


@pytest.fixture
def superuser(demo: Any) -> Client:
    person = User.objects.create_superuser("post-shape", password="x")  # noqa: S106
    client = Client()
    client.force_login(person)
    return client


def _refusal(client: Client, route: Route, *, anonymous: bool) -> str:
    """'' when the POST is refused as it must be, else what happened."""
    if not route.name and _unnamed_allowed(route):
        return ""
    response = client.post(route.path, {"title": "x", "confirm": "1"})
    status = response.status_code
    if status == 405:
        return ""
    if anonymous and status == 302 and "/accounts/login/" in response.get("Location", ""):
        return ""
    if anonymous and status in (403, 404):
        return ""
    return f"{_route_id(route)} ({route.path}) answered POST with {status}"


def test_every_url_but_the_action_refuses_post_as_a_superuser(superuser: Client) -> None:
    """A superuser passes every policy check: a view that does not refuse the method itself
    answers 200, 302 or 400 here."""
    accepted = [m for r in CHECKED if (m := _refusal(superuser, r, anonymous=False))]
    assert not accepted, (
        "These URLs accept POST outside the one action shape "
        "(POST /<kind>/<id>/actions/<name>/). Declare the step as an action in "
        "deliberation/actions/, or — for a read view — add @require_safe; a creation page or "
        "an external standard goes into ALLOWED_POSTS with its reason:\n" + "\n".join(accepted)
    )


def test_every_url_but_the_action_refuses_post_anonymously(demo: Any) -> None:
    client = Client()
    accepted = [m for r in CHECKED if (m := _refusal(client, r, anonymous=True))]
    assert not accepted, "\n".join(accepted)


def test_the_action_url_is_the_one_path_for_steps(superuser: Client, demo: Any) -> None:
    """The action URL accepts POST (and answers by the action model: an unknown step is a
    404, not a 405), so the walk's exclusion is the shape itself, not a blind spot."""
    route = next(r for r in ROUTES if r.name == ACTION_URL)
    response = superuser.post(route.path)
    assert response.status_code != 405
    assert route.pattern.callback is action_view
