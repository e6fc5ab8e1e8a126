"""Posting a notice to a compound's residents."""

from __future__ import annotations

from django.db import transaction

from deliberation import policy
from deliberation.live.outbox import record_event
from deliberation.live.topics import topic
from deliberation.models import Announcement, Compound, Organization, User
from deliberation.selectors.announcements import recent_announcements

BOARD_TEMPLATE = "compounds/_announcement_board.html"


def board_context(compound: Compound) -> dict[str, object]:
    return {"compound": compound, "announcements": list(recent_announcements(compound))}


@transaction.atomic
def post_announcement(
    *,
    author: User,
    organization: Organization,
    compound: Compound,
    title: str,
    body: str,
    link: str = "",
) -> Announcement:
    """Post and push the compound's board to everyone watching it. ``link``: the page the
    notice announces (a site path), shown as a link on the board."""
    policy.require(author, "compound.announce", (compound, organization))
    announcement = Announcement.objects.create(
        compound=compound,
        organization=organization,
        author=author,
        title=title,
        body=body,
        link=link,
    )
    record_event(
        topic=topic("compound", compound.pk, "public"),
        kind="announcement.posted",
        template=BOARD_TEMPLATE,
        context=board_context(compound),
        actor=author,
    )
    return announcement
