"""The one place that decides who may see or do what. Deny by default.

Views, websocket topics, flows and the API all ask ``can``/``can_subscribe``. Rules live in
the modules imported at the bottom, one per domain area, registered by action name.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from deliberation.live.topics import parse_topic

from .principal import ANONYMOUS, Principal, load_principal
from .registry import ACTION_RULES, TOPIC_RULES


def can(user: Any, action: str, obj: Any = None) -> bool:
    """May ``user`` perform ``action`` on ``obj``? Unknown actions are denied."""
    rule = ACTION_RULES.get(action)
    if rule is None:
        return False
    return bool(rule(load_principal(user), obj))


def require(user: Any, action: str, obj: Any = None) -> None:
    """Raise ``PermissionDenied`` (HTTP 403) unless ``can(user, action, obj)``."""
    if not can(user, action, obj):
        raise PermissionDenied(action)


#: Objects whose very existence is private, and the rules under which a user may know of
#: one (any of them). For these a refusal must read exactly like a missing id, else ids can
#: be probed (a 403 says "it exists"). Compounds are public places and stay out of it.
EXISTENCE_RULES: dict[str, tuple[str, ...]] = {
    "Issue": ("issue.view",),
    # the reporter confirms an order from their issue page without seeing the order itself
    "WorkOrder": ("work_order.view", "work_order.confirm"),
    "OwnersVote": ("vote.view",),
    "Session": ("session.follow",),
    "Invitation": ("session.know_invitation",),
    "Minutes": ("session.know_minutes",),
    "HotlineImport": ("hotline.view_import",),
    "LinkRequest": ("link_request.view",),
}


def may_know_of(user: Any, obj: Any) -> bool:
    """May ``user`` learn that ``obj`` exists? Only for kinds in ``EXISTENCE_RULES``."""
    rules = EXISTENCE_RULES[type(obj).__name__]
    return any(can(user, rule, obj) for rule in rules)


T = TypeVar("T")


def visible_or_404(user: Any, obj: T) -> T:
    """Return ``obj``, or raise ``Http404`` (the very answer a missing id gets) when ``user``
    may not know it exists. Check this before ``require``-ing an action on it: someone who
    sees the object but may not act on it still gets the honest 403."""
    if not may_know_of(user, obj):
        raise Http404
    return obj


def can_subscribe(user: Any, topic: str) -> bool:
    """May ``user`` receive the live pushes of ``topic``? Unknown kinds are denied."""
    parsed = parse_topic(topic)
    if parsed is None:
        return False
    kind, object_id, audience = parsed
    rule = TOPIC_RULES.get(kind)
    principal = load_principal(user)
    if rule is None or not principal.is_authenticated:
        return False
    return bool(rule(principal, object_id, audience))


from . import (  # noqa: E402,F401  (registers rules)
    accounts,
    channels,
    committees,
    compounds,
    contracts,
    evaluations,
    evidence,
    indicators,
    issues,
    ledger,
    public,
    sessions,
    votes,
)

__all__ = [
    "ANONYMOUS",
    "EXISTENCE_RULES",
    "Principal",
    "can",
    "can_subscribe",
    "load_principal",
    "may_know_of",
    "require",
    "visible_or_404",
]
