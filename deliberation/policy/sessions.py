"""Who may convene, run, speak in, follow and ask questions in a consultation session."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deliberation.models import Invitation, Minutes, Organization, Session

from .principal import Principal
from .registry import action, topic

Kind = Organization.Kind


@dataclass(frozen=True)
class SessionAccess:
    """What the rules need to know about one session, loaded in two queries and cached."""

    session_id: int
    convener_id: int
    chair_id: int
    convening_org_id: int
    compound_ids: frozenset[int]
    delegates: dict[str, frozenset[int]]  # party -> user ids
    party_orgs: dict[str, int | None]  # party -> invited organization id


def session_access(session: Session) -> SessionAccess:
    cached = getattr(session, "_access", None)
    if cached is not None:
        return cached
    delegates: dict[str, set[int]] = {}
    party_orgs: dict[str, int | None] = {}
    prefetched = getattr(session, "_prefetched_objects_cache", {})
    if "invitations" in prefetched and hasattr(session, "compound_id_list"):
        # Loaded by ``selectors.sessions.session_for_room``: no further query.
        for inv in session.invitations.all():
            party_orgs[inv.party] = inv.organization_id
            delegates[inv.party] = {u.pk for u in inv.delegates.all()}
        compound_ids = frozenset(session.compound_id_list or [])
    else:
        rows = Invitation.delegates.through.objects.filter(invitation__session_id=session.pk)
        for party, user_id in rows.values_list("invitation__party", "user_id"):
            delegates.setdefault(party, set()).add(user_id)
        for party, org_id in Invitation.objects.filter(session_id=session.pk).values_list(
            "party", "organization_id"
        ):
            party_orgs[party] = org_id
        compound_ids = frozenset(session.compounds.values_list("id", flat=True))
    access = SessionAccess(
        session_id=session.pk,
        convener_id=session.convener_id,
        chair_id=session.chair_id,
        convening_org_id=session.convening_organization_id,
        compound_ids=compound_ids,
        delegates={k: frozenset(v) for k, v in delegates.items()},
        party_orgs=party_orgs,
    )
    session._access = access  # type: ignore[attr-defined]
    return access


def forget_access(session: Session) -> None:
    """Drop the cached access after delegates change."""
    if hasattr(session, "_access"):
        del session._access


def parties_of(p: Principal, session: Session) -> list[str]:
    """The parties ``p`` is a named delegate of in this session."""
    if p.user_id is None:
        return []
    access = session_access(session)
    return [party for party, users in access.delegates.items() if p.user_id in users]


@action("session.convene")
def convene(p: Principal, compound: Any) -> bool:
    """The community Party organization, or the residents' committee on its behalf."""
    cid = compound if isinstance(compound, int) else compound.pk
    return p.is_superuser or p.serves(cid, Kind.PARTY_COMMITTEE, Kind.RESIDENTS_COMMITTEE)


@action("session.manage")
def manage(p: Principal, session: Session) -> bool:
    """The secretary's work: agenda, invitations on behalf of parties, minutes."""
    if p.user_id is None:
        return False
    access = session_access(session)
    return (
        p.is_superuser
        or p.user_id in (access.convener_id, access.chair_id)
        or access.convening_org_id in p.org_kinds
    )


@action("session.chair")
def chair(p: Principal, session: Session) -> bool:
    """Only the chair opens and closes items, rounds and votes."""
    return p.user_id is not None and session_access(session).chair_id == p.user_id


@action("session.reply")
def reply(p: Principal, invitation: Invitation) -> bool:
    """A party answers its own invitation (its organization, or a delegate it named); the
    secretary may record a reply on its behalf."""
    if invitation.organization_id is not None and invitation.organization_id in p.org_kinds:
        return True
    session = invitation.session
    if p.user_id is not None and p.user_id in session_access(session).delegates.get(
        invitation.party, frozenset()
    ):
        return True
    return manage(p, invitation.session)


@action("session.speak")
def speak(p: Principal, target: tuple[Session, str]) -> bool:
    """A delegate speaks (and votes) only for the party that named them."""
    session, party = target
    return p.user_id is not None and p.user_id in session_access(session).delegates.get(
        party, frozenset()
    )


@action("session.participate")
def participate(p: Principal, session: Session) -> bool:
    """The room: delegates, chair, secretary and the subdistrict."""
    return p.is_subdistrict or manage(p, session) or bool(parties_of(p, session))


@action("session.follow")
def follow(p: Principal, session: Session) -> bool:
    """The public view: residents of the compounds and everyone serving them."""
    if participate(p, session):
        return True
    return any(p.lives_in(c) or p.serves(c) for c in session_access(session).compound_ids)


@action("session.ask")
def ask(p: Principal, session: Session) -> bool:
    """Residents of the compounds concerned put questions to the chair."""
    return any(p.lives_in(c) for c in session_access(session).compound_ids)


@action("session.know_invitation")
def know_invitation(p: Principal, invitation: Invitation) -> bool:
    """A party's invitation is known to whoever may know its session."""
    return follow(p, invitation.session)


@action("session.know_minutes")
def know_minutes(p: Principal, minutes: Minutes) -> bool:
    """Minutes are known to whoever may know the session (that they exist follows from
    its end); a draft's text is the secretary's until published (the minutes page)."""
    return follow(p, minutes.session)


@topic("session")
def session_topic(p: Principal, session_id: int, audience: str) -> bool:
    if audience not in ("room", "public"):
        return False
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        return False
    return participate(p, session) if audience == "room" else follow(p, session)
