"""Surfaces of the public pages (no login) and of the issue's public status link, for the
permission matrix (rows at the end of ``matrix.py``)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from deliberation.selectors.public_status import status_token


def compound_page(obj: Any) -> str:
    return reverse("public-compound", args=[obj.pk])


def community_page(obj: Any) -> str:
    return reverse("public-community", args=[obj.community_id])


def subdistrict_page(obj: Any) -> str:
    return reverse("public-subdistrict")


def guide_page(obj: Any) -> str:
    return reverse("public-guide")


def status_page(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Whoever holds the link reads the status, logged in or not: the link is the key."""
    response = client.get(reverse("public-issue-status", args=[status_token(obj)]))
    assert response.status_code == 200, role


def link_shown(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """The link (and its QR code) appears on the issue page only for whom the rule allows."""
    response = client.get(reverse("issue-detail", args=[obj.pk]))
    if response.status_code != 200:
        return  # may not see the issue at all (issue.view)
    assert ('id="issue-public-link"' in response.content.decode()) is allowed, role
