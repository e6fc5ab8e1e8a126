"""The header's navigation: a few links for what this person does, and only links they may
follow — every one is asked of the policy module, never assumed from a role name.

Residents report, follow their reports, see their compound and its owners' votes; the
parties' staff see their tasks, their inbox, issues and sessions, and the tools their
organization may use. Costs no query beyond the principal the page has already loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext

from deliberation import policy
from deliberation.policy import load_principal


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    current: bool = False


def main_navigation(user: Any, path: str) -> list[NavLink]:
    """The header links for ``user``, marking the one for ``path`` as current."""
    p = load_principal(user)
    if not p.is_authenticated:
        return []
    links = _staff_links(user, p) if p.is_party_staff else _resident_links(user, p)
    current = _current_url([url for _, url in links], path)
    return [NavLink(label, url, url == current) for label, url in links]


def _resident_links(user: Any, p: policy.Principal) -> list[tuple[str, str]]:
    links = []
    if policy.can(user, "issue.report"):
        links.append((pgettext("navigation", "Report"), reverse("issue-report")))
    # Their own reports (deliberation.lists), not every issue of the compound they can see.
    links.append((pgettext("navigation", "My reports"), reverse("issue-list") + "?mine=1"))
    home = min(p.home_compounds) if p.home_compounds else None
    if home is not None and policy.can(user, "compound.view", home):
        mine = reverse("compound-detail", args=[home])
        links.append((pgettext("navigation", "My compound"), mine))
    if home is not None and policy.can(user, "vote.view", home):
        votes = reverse("compound-votes", args=[home])
        links.append((pgettext("navigation", "Votes"), votes))
    return links


def _staff_links(user: Any, p: policy.Principal) -> list[tuple[str, str]]:
    links = [(pgettext("navigation", "Tasks"), reverse("home"))]
    if p.org_kinds:  # the inbox gathers the user's organizations' work
        links.append((pgettext("navigation", "Inbox"), reverse("inbox")))
    links.append((pgettext("navigation", "Issues"), reverse("issue-list")))
    links.append((pgettext("navigation", "Sessions"), reverse("session-list")))
    if policy.can(user, "indicators.view"):
        links.append((pgettext("navigation", "Indicators"), reverse("indicators")))
    if policy.can(user, "hotline.import"):
        links.append((pgettext("navigation", "12345 import"), reverse("hotline-upload")))
    return links


def _current_url(urls: list[str], path: str) -> str | None:
    """The link the page belongs under: the longest one its path starts with ("/" only
    for the home page itself), so the report form is not also "my reports"."""
    paths = {u: u.split("?", 1)[0] for u in urls}
    under = [u for u, p in paths.items() if path == p or (p != "/" and path.startswith(p))]
    return max(under, key=len, default=None)
