"""The one place that decides who may see or do what. Deny by default.

Views, websocket topics, flows and the API all ask ``can``/``can_subscribe``. Rules live in
the modules imported at the bottom, one per domain area, registered by action name.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied

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


from . import channels, committees, compounds, issues, sessions, votes  # noqa: E402,F401  (registers rules)

__all__ = ["ANONYMOUS", "Principal", "can", "can_subscribe", "load_principal", "require"]
