"""Topic names carry their audience: ``issue:42:public``, ``org:7:inbox``, ``session:9:room``."""

from __future__ import annotations

from deliberation.ids import parse_id


def topic(kind: str, object_id: int, audience: str) -> str:
    return f"{kind}:{object_id}:{audience}"


def group_name(topic_name: str, lang: str) -> str:
    """One group per topic and language, so a socket gets only its language's rendering.
    Channel-layer group names allow only ``[a-zA-Z0-9-_.]``."""
    return f"live.{topic_name.replace(':', '.')}.{lang}"


def parse_topic(topic_name: str) -> tuple[str, int, str] | None:
    """``"issue:42:public"`` → ``("issue", 42, "public")``; anything malformed → None,
    including ids spelt otherwise (``issue:042:public``, ``issue:²:public``): one topic, one
    name, one group."""
    parts = topic_name.split(":")
    object_id = parse_id(parts[1]) if len(parts) == 3 else None
    if object_id is None or not parts[0] or not parts[2]:
        return None
    return parts[0], object_id, parts[2]
