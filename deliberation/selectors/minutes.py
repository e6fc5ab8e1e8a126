"""The full record of a session, as the minutes tell it."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from deliberation.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Position,
    Question,
    Resolution,
    Round,
    Session,
)

from .sessions import PARTY_ORDER, assignments_for, present_parties, resolution_view


def minutes_record(session: Session) -> dict[str, Any]:
    invitations = sorted(
        Invitation.objects.filter(session=session)
        .select_related("organization")
        .prefetch_related("delegates"),
        key=lambda i: PARTY_ORDER.index(i.party),
    )
    attendance = list(Attendance.objects.filter(session=session))
    parties = present_parties(attendance)
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("deferred_to")
        .prefetch_related(
            Prefetch(
                "rounds",
                queryset=Round.objects.prefetch_related(
                    Prefetch("positions", queryset=Position.objects.order_by("id"))
                ).order_by("number"),
            ),
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("responsible_organization")
                .prefetch_related("votes")
                .order_by("id"),
            ),
        )
        .order_by("order", "id")
    )
    records = []
    for item in items:
        rounds = [
            (
                r,
                sorted(
                    r.positions.all(),
                    key=lambda p: PARTY_ORDER.index(p.party),
                ),
            )
            for r in item.rounds.all()
        ]
        resolutions = [resolution_view(res, parties) for res in item.resolutions.all()]
        records.append({"item": item, "rounds": rounds, "resolutions": resolutions})
    session = Session.objects.select_related(
        "community", "convener", "chair", "convening_organization"
    ).get(pk=session.pk)
    return {
        "session": session,
        **_held(session),
        "compounds": list(session.compounds.all()),
        "invitations": invitations,
        "attendance": {a.party: a for a in attendance},
        "present": parties,
        "records": records,
        "questions": list(
            Question.objects.filter(session=session, status=Question.Status.TAKEN_UP)
        ),
        "assignments": assignments_for(session),
    }


def _held(session: Session) -> dict[str, Any]:
    """When the session was actually held: opened to ended (not the scheduled start, which
    gave "05:45 – 05:37" for a session opened early); the scheduled time is mentioned when
    it differs by a minute or more."""
    began = session.opened_at or session.starts_at
    ended = session.ended_at
    local = timezone.localtime
    return {
        "held_from": began,
        "same_day": ended is None or local(ended).date() == local(began).date(),
        "scheduled_differs": abs((began - session.starts_at).total_seconds()) >= 60,
    }
