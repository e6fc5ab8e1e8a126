"""Convening a session, inviting the five parties, their replies, opening and attendance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import (
    AgendaItem,
    Attendance,
    Compound,
    Invitation,
    Membership,
    Organization,
    Party,
    Residency,
    Session,
    User,
)
from deliberation.policy.sessions import forget_access
from deliberation.selectors.sessions import (
    PARTY_ORDER,
)
from deliberation.services import notifications, session_issues
from deliberation.user_text import AGENDA_DESCRIPTION_MAX, clean_field, clean_link

from .common import (
    SessionConflict,
    locked,
    party_label,
    push_room,
    require_status,
)

# --- convene and invite ------------------------------------------------------------------------


def party_organizations(compound: Compound) -> dict[str, Organization | None]:
    """Who speaks for each of the five parties of a compound."""
    community = compound.community
    return {
        Party.PARTY_ORG: community.party_committee,
        Party.RESIDENTS_COMMITTEE: community.residents_committee,
        Party.PROVIDER: compound.property_provider,
        Party.OWNERS_BODY: compound.owners_committee,
        Party.RESIDENTS_REPS: None,
    }


@transaction.atomic
def convene_session(
    *,
    convener: User,
    organization: Organization,
    compounds: Sequence[Compound],
    title: str,
    starts_at: datetime,
    chair: User | None = None,
    place: str = "",
    online_link: str = "",
    duration_minutes: int = 90,
    agenda: Iterable[dict[str, Any]] = (),
    required_parties: Sequence[str] | None = None,
    adoption_rule: str = Session.AdoptionRule.NO_OBJECTION,
) -> Session:
    """Create the session, its agenda and one invitation per party (all five are invited)."""
    if not compounds:
        raise ValidationError(_("Choose at least one compound."))
    for compound in compounds:
        policy.require(convener, "session.convene", compound)
    communities = {c.community_id for c in compounds}
    if len(communities) != 1:
        raise ValidationError(_("All compounds of a session must belong to one community."))
    if (
        organization.kind
        not in (
            Organization.Kind.PARTY_COMMITTEE,
            Organization.Kind.RESIDENTS_COMMITTEE,
        )
        or not Membership.objects.filter(
            user=convener, organization=organization, active=True
        ).exists()
    ):
        raise ValidationError(_("Convene as your community Party or residents' committee."))
    required = list(required_parties) if required_parties is not None else None
    if required is not None and not set(required) <= set(PARTY_ORDER):
        raise ValidationError(_("Unknown party in the rules."))
    title = clean_field(Session, "title", title, required=True)
    place = clean_field(Session, "place", place)
    online_link = clean_link(
        online_link, label=capfirst(Session._meta.get_field("online_link").verbose_name)
    )
    if not place and not online_link:
        raise ValidationError(_("Give a place or an online link."))
    agenda = [
        {
            **spec,
            "title": clean_field(AgendaItem, "title", spec["title"], required=True),
            "description": clean_field(
                AgendaItem,
                "description",
                spec.get("description", ""),
                limit=AGENDA_DESCRIPTION_MAX,
            ),
        }
        for spec in agenda
    ]
    session = Session.objects.create(
        title=title,
        community_id=compounds[0].community_id,
        convener=convener,
        convening_organization=organization,
        chair=chair or convener,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place,
        online_link=online_link,
        adoption_rule=adoption_rule,
        **({"required_parties": required} if required is not None else {}),
    )
    session.compounds.set(compounds)
    items = []
    for order, spec in enumerate(agenda, start=1):
        items.append(
            (
                AgendaItem.objects.create(
                    session=session,
                    order=order,
                    title=spec["title"],
                    description=spec["description"],
                    time_budget_minutes=spec.get("time_budget_minutes", 20),
                ),
                spec.get("issues", ()),
            )
        )
    orgs = party_organizations(compounds[0])
    for party in PARTY_ORDER:
        Invitation.objects.create(session=session, party=party, organization=orgs[party])
    for item, issues in items:
        if issues:
            session_issues.put_on_agenda(item=item, issues=issues, actor=convener)
    push_room(session, kind="session.convened", actor=convener)
    notifications.notify_session_convened(session)
    return session


def eligible_delegates(invitation: Invitation) -> set[int]:
    """Members of the invited organization; for residents' representatives, residents of the
    compounds concerned."""
    if invitation.party == Party.RESIDENTS_REPS:
        compounds = invitation.session.compounds.values_list("id", flat=True)
        return set(
            Residency.objects.filter(unit__building__compound__in=compounds).values_list(
                "user_id", flat=True
            )
        )
    if invitation.organization_id is None:
        return set()
    return set(
        Membership.objects.filter(
            organization_id=invitation.organization_id, active=True
        ).values_list("user_id", flat=True)
    )


@transaction.atomic
def name_delegates(*, actor: User, invitation: Invitation, delegates: Sequence[User]) -> None:
    """A party names who will speak for it (replacing any earlier list)."""
    policy.require(actor, "session.reply", invitation)
    session = locked(invitation.session)
    require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    if not delegates:
        raise ValidationError(_("Name at least one delegate."))
    allowed = eligible_delegates(invitation)
    wrong = [str(u) for u in delegates if u.pk not in allowed]
    if wrong:
        raise ValidationError(
            _("%(names)s cannot speak for %(party)s.")
            % {"names": "、".join(wrong), "party": party_label(invitation.party)}
        )
    invitation.delegates.set(delegates)
    forget_access(invitation.session)
    forget_access(session)
    push_room(session, kind="session.invitation", actor=actor)


@transaction.atomic
def reply_to_invitation(*, actor: User, invitation: Invitation, attending: bool | None) -> None:
    """Confirm or decline; ``None`` records that no reply came. A party confirming without
    naming anyone sends the member who confirmed (its default delegate, changed later with
    ``name_delegates``)."""
    if attending is not None:
        policy.require(actor, "session.reply", invitation)
    session = locked(invitation.session)
    require_status(session, Session.Status.CONVENED)
    invitation.refresh_from_db()
    if attending and not invitation.delegates.exists():
        # The organization has no contact person on record: the member who accepts for it
        # speaks for it until the party names someone else.
        if actor.pk not in eligible_delegates(invitation):
            raise ValidationError(_("Name your delegates before confirming."))
        invitation.delegates.set([actor])
        forget_access(invitation.session)
        forget_access(session)
    if attending is None:
        if invitation.reply != Invitation.Reply.PENDING:
            return
        invitation.reply = Invitation.Reply.NO_REPLY
    else:
        invitation.reply = Invitation.Reply.CONFIRMED if attending else Invitation.Reply.DECLINED
        invitation.replied_by = actor
    invitation.replied_at = timezone.now()
    invitation.save(update_fields=["reply", "replied_by", "replied_at"])
    push_room(session, kind="session.invitation", actor=actor)


def quorum_missing(session: Session) -> list[str]:
    """Required parties that have not confirmed (the rule to open the session)."""
    confirmed = set(
        session.invitations.filter(reply=Invitation.Reply.CONFIRMED).values_list("party", flat=True)
    )
    return [p for p in session.required_parties if p not in confirmed]


@transaction.atomic
def open_session(*, actor: User, session: Session) -> Session:
    """The chair opens the session when the quorum-of-parties rule holds."""
    policy.require(actor, "session.chair", session)
    session = locked(session)
    require_status(session, Session.Status.CONVENED)
    missing = quorum_missing(session)
    if missing:
        raise SessionConflict(
            _("Cannot open: %(parties)s must confirm first.")
            % {"parties": "、".join(party_label(p) for p in missing)}
        )
    session.invitations.filter(reply=Invitation.Reply.PENDING).update(
        reply=Invitation.Reply.NO_REPLY, replied_at=timezone.now()
    )
    for inv in session.invitations.filter(reply=Invitation.Reply.CONFIRMED).prefetch_related(
        "delegates"
    ):
        Attendance.objects.update_or_create(
            session=session,
            party=inv.party,
            defaults={
                "present": True,
                "delegates_text": "、".join(str(u) for u in inv.delegates.all())[:300],
            },
        )
    session.status = Session.Status.OPEN
    session.opened_at = timezone.now()
    session.save(update_fields=["status", "opened_at"])
    push_room(session, kind="session.opened", actor=actor)
    return session


@transaction.atomic
def set_attendance(*, actor: User, session: Session, party: str, present: bool) -> None:
    """The secretary records a party arriving or leaving."""
    policy.require(actor, "session.manage", session)
    session = locked(session)
    require_status(session, Session.Status.OPEN)
    if party not in PARTY_ORDER:
        raise ValidationError(_("Unknown party."))
    Attendance.objects.update_or_create(session=session, party=party, defaults={"present": present})
    push_room(session, kind="session.attendance", actor=actor)
