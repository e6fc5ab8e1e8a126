"""Reads for sessions: the room as one audience sees it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from deliberation.models import (
    AgendaItem,
    Attendance,
    Invitation,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
)
from deliberation.policy import load_principal

PARTY_ORDER = [p.value for p in Party]
PARTY_LABELS = dict(Party.choices)


def sessions_with_people() -> QuerySet[Session]:
    return Session.objects.select_related(
        "community", "convener", "chair", "convening_organization", "current_item"
    )


def session_for_room(pk: int) -> Session:
    """One session with what the policy and the room need, so neither queries again."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        sessions_with_people().prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organization")
                .prefetch_related("delegates")
                .order_by("id"),
            ),
            "compounds",
        ),
        pk=pk,
    )


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    """Sessions a user takes part in, serves or lives under (all for the subdistrict)."""
    p = load_principal(user)
    qs = sessions_with_people().order_by("-starts_at", "-id")
    if p.is_subdistrict:
        return qs
    compounds = set(p.served_compounds) | set(p.home_compounds)
    from django.db.models import Q

    return qs.filter(
        Q(compounds__in=compounds)
        | Q(invitations__delegates=p.user_id)
        | Q(convener_id=p.user_id)
        | Q(chair_id=p.user_id)
    ).distinct()


@dataclass
class PartyRow:
    party: str
    label: str
    position: Any = None  # Position or ResolutionVote or None


@dataclass
class RoundView:
    round: Round
    rows: list[PartyRow] = field(default_factory=list)

    @property
    def spoken(self) -> int:
        return sum(1 for r in self.rows if r.position is not None)


@dataclass
class ResolutionView:
    resolution: Resolution
    rows: list[PartyRow] = field(default_factory=list)
    cooperating_labels: list[str] = field(default_factory=list)


def present_parties(attendance: list[Attendance]) -> list[str]:
    present = {a.party for a in attendance if a.present}
    return [p for p in PARTY_ORDER if p in present]


def _rows(parties: list[str], by_party: dict[str, Any]) -> list[PartyRow]:
    return [PartyRow(p, str(PARTY_LABELS[p]), by_party.get(p)) for p in parties]


def resolution_view(resolution: Resolution, parties: list[str]) -> ResolutionView:
    votes = {v.party: v for v in resolution.votes.all()}
    return ResolutionView(
        resolution,
        _rows(parties, votes),
        [str(PARTY_LABELS.get(p, p)) for p in resolution.cooperating_parties],
    )


def room_context(session: Session, *, audience: str) -> dict[str, Any]:
    """Everything the room (``audience="room"``) or the public page shows, fixed queries."""
    if "invitations" not in getattr(session, "_prefetched_objects_cache", {}):
        session = session_for_room(session.pk)
    invitations = list(session.invitations.all())
    for inv in invitations:
        inv.session = session  # shares the cached policy access
    invitations.sort(key=lambda i: PARTY_ORDER.index(i.party))
    attendance = list(Attendance.objects.filter(session=session))
    parties = present_parties(attendance)
    items = list(
        AgendaItem.objects.filter(session=session)
        .select_related("deferred_to")
        .prefetch_related(
            "issues",
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("responsible_organization")
                .prefetch_related(Prefetch("votes", queryset=ResolutionVote.objects.all()))
                .order_by("id"),
            ),
        )
        .order_by("order", "id")
    )
    current = next((i for i in items if i.pk == session.current_item_id), None)
    rounds: list[RoundView] = []
    if current is not None:
        for r in (
            Round.objects.filter(item=current)
            .prefetch_related(
                Prefetch("positions", queryset=Position.objects.select_related("author"))
            )
            .order_by("number")
        ):
            rounds.append(RoundView(r, _rows(parties, {p.party: p for p in r.positions.all()})))
    item_resolutions = {
        i.pk: [resolution_view(r, parties) for r in i.resolutions.all()] for i in items
    }
    questions_qs = Question.objects.filter(session=session).select_related("author")
    if audience != "room":
        questions_qs = questions_qs.filter(status=Question.Status.TAKEN_UP)
    else:
        questions_qs = questions_qs.exclude(status=Question.Status.DISMISSED)
    questions = list(questions_qs.order_by("created_at", "id"))
    return {
        "session": session,
        "audience": audience,
        "staff": audience == "room",
        "invitations": invitations,
        "attendance": attendance,
        "present": [str(PARTY_LABELS[p]) for p in parties],
        "present_codes": parties,
        "items": items,
        "current": current,
        "rounds": rounds,
        "open_round": next((r for r in rounds if r.round.status == Round.Status.OPEN), None),
        "item_resolutions": [(i, item_resolutions[i.pk]) for i in items],
        "current_resolutions": item_resolutions.get(current.pk, []) if current else [],
        "questions": questions,
        "assignments": assignments_for(session)
        if any(r.status == Resolution.Status.ADOPTED for i in items for r in i.resolutions.all())
        else [],
    }


def assignments_for(session: Session) -> list[Any]:
    """Work orders created from the session's resolutions (one query)."""
    from django.contrib.contenttypes.models import ContentType

    from deliberation.models import WorkOrder

    return list(
        WorkOrder.objects.filter(
            origin_type=ContentType.objects.get_for_model(Resolution),
            origin_id__in=Resolution.objects.filter(item__session=session).values("pk"),
        )
        .select_related("responsible", "issue")
        .order_by("id")
    )


def issues_awaiting_session(session: Session | None, compounds: Any = None) -> list[Any]:
    """Issues triaged to wait for a session, in the session's compounds (for the agenda)."""
    from deliberation.models import Issue

    qs = Issue.objects.filter(status=Issue.Status.AWAITING_SESSION)
    if session is not None:
        qs = qs.filter(compound__sessions=session)
    else:
        qs = qs.filter(compound__in=compounds)
    return list(qs.select_related("compound").order_by("created_at", "id")[:100])


def delegate_choices(session: Session, invitations: list[Invitation]) -> dict[str, list[Any]]:
    """Who each party may name as delegate, for the invitations shown (two queries)."""
    from deliberation.models import Membership, User

    org_ids = {i.organization_id for i in invitations if i.organization_id}
    by_org: dict[int, list[User]] = {}
    for m in (
        Membership.objects.filter(organization_id__in=org_ids, active=True)
        .select_related("user")
        .order_by("user__username")
    ):
        by_org.setdefault(m.organization_id, [])
        if m.user not in by_org[m.organization_id]:
            by_org[m.organization_id].append(m.user)
    choices: dict[str, list[Any]] = {}
    residents: list[User] | None = None
    for inv in invitations:
        if inv.party == Party.RESIDENTS_REPS:
            if residents is None:
                residents = list(
                    User.objects.filter(
                        residencies__unit__building__compound__sessions=session,
                        is_active=True,
                    )
                    .exclude(password__startswith="!")  # noqa: S106  (unusable = cannot log in)
                    .distinct()
                    .order_by("username")[:200]
                )
            choices[inv.party] = residents
        else:
            choices[inv.party] = by_org.get(inv.organization_id or 0, [])
    return choices
