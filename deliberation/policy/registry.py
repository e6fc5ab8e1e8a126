"""The rule tables. Rule modules register here; ``deliberation.policy`` answers from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .principal import Principal

ActionRule = Callable[[Principal, Any], bool]
TopicRule = Callable[[Principal, int, str], bool]

ACTION_RULES: dict[str, ActionRule] = {}
TOPIC_RULES: dict[str, TopicRule] = {}


def action(name: str) -> Callable[[ActionRule], ActionRule]:
    """Register the rule deciding ``name`` (e.g. ``"compound.view"``) for (principal, object)."""

    def register(fn: ActionRule) -> ActionRule:
        if name in ACTION_RULES:
            raise RuntimeError(f"policy action {name!r} registered twice")
        ACTION_RULES[name] = fn
        return fn

    return register


def topic(kind: str) -> Callable[[TopicRule], TopicRule]:
    """Register who may subscribe to topics ``<kind>:<id>:<audience>``."""

    def register(fn: TopicRule) -> TopicRule:
        if kind in TOPIC_RULES:
            raise RuntimeError(f"topic kind {kind!r} registered twice")
        TOPIC_RULES[kind] = fn
        return fn

    return register
