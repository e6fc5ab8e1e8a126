"""Topic names carry their audience: ``issue:42:public``, ``org:7:inbox``, ``session:9:room``."""

from __future__ import annotations


def topic(kind: str, object_id: int, audience: str) -> str:
    return f"{kind}:{object_id}:{audience}"


def group_name(topic_name: str, lang: str) -> str:
    """One group per topic and language, so a socket gets only its language's rendering.
    Channel-layer group names allow only ``[a-zA-Z0-9-_.]`` (STACK.md §4)."""
    return f"live.{topic_name.replace(':', '.')}.{lang}"
