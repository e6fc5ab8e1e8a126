from __future__ import annotations

from django.db.models import QuerySet

from deliberation.models import Announcement, Compound

BOARD_SIZE = 20


def announcements_of(compound: Compound | int) -> QuerySet[Announcement]:
    """Every notice of a compound, newest first (the notices list filters and pages it)."""
    return Announcement.objects.filter(compound=compound).select_related("author", "organization")


def recent_announcements(
    compound: Compound | int, *, limit: int = BOARD_SIZE
) -> QuerySet[Announcement]:
    return announcements_of(compound)[:limit]
