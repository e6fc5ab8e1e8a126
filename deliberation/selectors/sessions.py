"""Reads for sessions: the room as one audience sees it, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from deliberation.models import (
    AgendaItem,
    Attendance,
    Event,
    Invitation,
    Issue,
    Membership,
    Party,
    Position,
    Question,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
    WorkOrder,
)
from deliberation.policy import load_principal
from deliberation.selectors.portable import array_subquery

PARTY_ORDER = [p.value for p in Party]
PARTY_LABELS = dict(Party.choices)


def sessions_with_people() -> QuerySet[Session]:
    return Session.objects.select_related(
        "community", "convener", "chair", "convening_organization", "current_item"
    )


def session_for_room(pk: int, *, controls: bool = False) -> Session:
    """One session with what the policy and the room need, so neither queries again.

    Small one-to-many facts ride on the session row as arrays (its compounds, the parties
    present, the live cursor; with ``controls``, the chair's later sessions and the issues
    waiting for a session) so that the page stays within its query budget (issue 5)."""
    qs = sessions_with_people().annotate(
        compound_id_list=array_subquery(
            Session.compounds.through.objects.filter(session_id=OuterRef("pk")).values(
                "compound_id"
            )
        ),
        present_party_list=array_subquery(
            Attendance.objects.filter(session_id=OuterRef("pk"), present=True).values("party")
        ),
        live_cursor=Subquery(Event.objects.order_by("-id").values("id")[:1]),
        # What the next steps depend on (``deliberation.actions.sessions``), on the same row.
        open_round_pk=Subquery(
            Round.objects.filter(item__session=OuterRef("pk"), status=Round.Status.OPEN).values(
                "id"
            )[:1]
        ),
        voting_resolution_pk=Subquery(
            Resolution.objects.filter(
                item__session=OuterRef("pk"), status=Resolution.Status.VOTING
            ).values("id")[:1]
        ),
        voted_party_list=array_subquery(
            ResolutionVote.objects.filter(
                resolution__item__session=OuterRef("pk"),
                resolution__status=Resolution.Status.VOTING,
            ).values("party")
        ),
        current_settled=Exists(
            Resolution.objects.filter(
                item_id=OuterRef("current_item_id"),
                status__in=[Resolution.Status.VOTING, Resolution.Status.ADOPTED],
            )
        ),
    )
    if controls:
        qs = qs.annotate(
            agenda_json=array_subquery(
                AgendaItem.objects.filter(session_id=OuterRef("pk"))
                .order_by("order", "id")
                .values(json=JSONObject(pk="id", order="order", title="title", outcome="outcome")),
                json_items=True,
            ),
            queued_json=array_subquery(
                Question.objects.filter(session_id=OuterRef("pk"), status=Question.Status.QUEUED)
                .order_by("created_at", "id")
                .values(json=JSONObject(pk="id", text="text"))[:50],
                json_items=True,
            ),
            later_json=array_subquery(
                Session.objects.filter(
                    community_id=OuterRef("community_id"), status=Session.Status.CONVENED
                )
                .exclude(pk=OuterRef("pk"))
                .order_by("starts_at")
                .values(json=JSONObject(pk="id", title="title", starts_at="starts_at"))[:20],
                json_items=True,
            ),
            waiting_json=array_subquery(
                Issue.objects.filter(
                    status=Issue.Status.AWAITING_SESSION, compound__sessions=OuterRef("pk")
                )
                .order_by("created_at", "id")
                .values(json=JSONObject(pk="id", description="description"))[:100],
                json_items=True,
            ),
        )
    return get_object_or_404(
        qs.prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organization")
                .prefetch_related("delegates")
                .order_by("id"),
            ),
        ),
        pk=pk,
    )


def sessions_for_rules(queryset: QuerySet[Session]) -> list[Session]:
    """Sessions with what the policy's session rules read (their compounds, invitations and
    delegates) loaded in three queries, however many there are: for task lists."""
    return list(
        queryset.select_related("community", "convening_organization")
        .annotate(
            compound_id_list=array_subquery(
                Session.compounds.through.objects.filter(session_id=OuterRef("pk")).values(
                    "compound_id"
                )
            )
        )
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.select_related("organization")
                .prefetch_related("delegates")
                .order_by("id"),
            )
        )
    )


@dataclass(frozen=True)
class Choice:
    """A row of a chair's or secretary's select (a later session, a waiting issue)."""

    pk: int
    title: str = ""
    description: str = ""
    starts_at: Any = None


def _aware(value: Any) -> Any:
    """SQLite's JSON carries naive UTC timestamps; PostgreSQL's carry their offset."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value


def later_sessions(session: Session) -> list[Choice]:
    """Convened sessions of the same community the chair may defer an item to."""
    return [
        Choice(pk=r["pk"], title=r["title"], starts_at=_aware(parse_datetime(r["starts_at"])))
        for r in getattr(session, "later_json", None) or []
    ]


def agenda_rows(session: Session) -> list[Choice]:
    """The agenda as the chair's and secretary's selects offer it (no query: annotated)."""
    return [
        Choice(pk=r["pk"], title=f"{r['order']}. {r['title']}", description=r["outcome"])
        for r in getattr(session, "agenda_json", None) or []
    ]


def queued_questions(session: Session) -> list[Choice]:
    """Residents' questions waiting for the chair (no query: annotated)."""
    return [
        Choice(pk=r["pk"], description=r["text"])
        for r in getattr(session, "queued_json", None) or []
    ]


def waiting_issues(session: Session) -> list[Choice]:
    """Issues of the session's compounds triaged to wait for a session (for the agenda)."""
    return [
        Choice(pk=r["pk"], description=r["description"])
        for r in getattr(session, "waiting_json", None) or []
    ]


def sessions_visible_to(user: Any) -> QuerySet[Session]:
    """Sessions a user takes part in, serves or lives under (all for the subdistrict)."""
    p = load_principal(user)
    qs = sessions_with_people().order_by("-starts_at", "-id")
    if p.is_subdistrict:
        return qs
    compounds = set(p.served_compounds) | set(p.home_compounds)
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
    rows = getattr(resolution, "vote_json", None)
    if rows is not None:  # annotated by ``room_context``: no query per resolution
        votes = {d["party"]: ResolutionVote(resolution=resolution, **d) for d in rows}
    else:
        votes = {v.party: v for v in resolution.votes.all()}
    return ResolutionView(
        resolution,
        _rows(parties, votes),
        [str(PARTY_LABELS.get(p, p)) for p in resolution.cooperating_parties],
    )


def room_context(session: Session, *, audience: str) -> dict[str, Any]:
    """Everything the room (``audience="room"``) or the public page shows, fixed queries."""
    if not hasattr(session, "present_party_list"):
        session = session_for_room(session.pk)
    invitations = list(session.invitations.all())
    for inv in invitations:
        inv.session = session  # shares the cached policy access
    invitations.sort(key=lambda i: PARTY_ORDER.index(i.party))
    present = set(session.present_party_list or [])  # type: ignore[attr-defined]
    parties = [p for p in PARTY_ORDER if p in present]
    current_id = session.current_item_id or 0  # 0: no item open, no rounds
    items_qs = (
        AgendaItem.objects.filter(session=session)
        .select_related("deferred_to")
        .annotate(
            # The current item's rounds with their positions, on the item rows (no query).
            round_json=array_subquery(
                Round.objects.filter(item_id=OuterRef("pk"))
                .filter(item_id=current_id)
                .order_by("number")
                .values(
                    json=JSONObject(
                        pk="id",
                        number="number",
                        status="status",
                        positions=array_subquery(
                            Position.objects.filter(round_id=OuterRef("pk")).values(
                                json=JSONObject(
                                    party="party", stance="stance", statement="statement"
                                )
                            ),
                            json_items=True,
                        ),
                    )
                ),
                json_items=True,
            ),
            issue_id_list=array_subquery(
                AgendaItem.issues.through.objects.filter(agendaitem_id=OuterRef("pk"))
                .order_by("issue_id")
                .values("issue_id")
            ),
        )
        .order_by("order", "id")
    )
    # Resolutions are drafted only while a session is open (``propose_resolution``): a
    # session still being convened has none, and its page is spared the query.
    if session.status != Session.Status.CONVENED:
        items_qs = items_qs.prefetch_related(
            Prefetch(
                "resolutions",
                queryset=Resolution.objects.select_related("responsible_organization")
                .annotate(
                    vote_json=array_subquery(
                        ResolutionVote.objects.filter(resolution_id=OuterRef("pk")).values(
                            json=JSONObject(party="party", choice="choice", reason="reason")
                        ),
                        json_items=True,
                    )
                )
                .order_by("id"),
            ),
        )
    items = list(items_qs)
    current = next((i for i in items if i.pk == session.current_item_id), None)
    rounds: list[RoundView] = []
    for r in current.round_json if current is not None else []:  # type: ignore[attr-defined]
        round_ = Round(id=r["pk"], item=current, number=r["number"], status=r["status"])
        positions = {d["party"]: Position(round=round_, **d) for d in r["positions"] or []}
        rounds.append(RoundView(round_, _rows(parties, positions)))
    loaded = {
        i.pk: list(i.resolutions.all()) if session.status != Session.Status.CONVENED else []
        for i in items
    }
    item_resolutions = {
        pk: [resolution_view(r, parties) for r in resolutions] for pk, resolutions in loaded.items()
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
        if any(r.status == Resolution.Status.ADOPTED for rs in loaded.values() for r in rs)
        else [],
    }


def assignments_for(session: Session) -> list[Any]:
    """Work orders created from the session's resolutions (one query)."""
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
    qs = Issue.objects.filter(status=Issue.Status.AWAITING_SESSION)
    if session is not None:
        qs = qs.filter(compound__sessions=session)
    else:
        qs = qs.filter(compound__in=compounds)
    return list(qs.select_related("compound").order_by("created_at", "id")[:100])


def delegate_choices(session: Session, invitations: list[Invitation]) -> dict[str, list[Any]]:
    """Who each party may name as delegate, for the invitations shown (two queries)."""
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
