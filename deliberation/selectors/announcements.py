from __future__ import annotations

from django.db.models import QuerySet

from deliberation.models import Announcement, Compound

BOARD_SIZE = 20


def recent_announcements(
    compound: Compound | int, *, limit: int = BOARD_SIZE
) -> QuerySet[Announcement]:
    return Announcement.objects.filter(compound=compound).select_related("author", "organization")[
        :limit
    ]
