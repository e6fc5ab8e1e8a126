"""The agenda: adding and reordering items, deferring an item or referring it to the owners."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law.owners_votes import MatterKind
from deliberation.models import (
    AgendaItem,
    Issue,
    OwnersVote,
    Resolution,
    Round,
    Session,
    User,
)
from deliberation.services import session_issues
from deliberation.services.votes import MatterSpec, propose_from_session
from deliberation.user_text import AGENDA_DESCRIPTION_MAX, clean_field

from .common import (
    SessionConflict,
    locked,
    push_room,
    require_status,
)


@transaction.atomic
def add_agenda_item(
    *,
    actor: User,
    session: Session,
    title: str,
    description: str = "",
    time_budget_minutes: int = 20,
    issues: Sequence[Issue] = (),
) -> AgendaItem:
    """Add a topic (optionally the issues it takes up) at the end of the agenda."""
    policy.require(actor, "session.manage", session)
    session = locked(session)
    require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    if not isinstance(title, str) or not title.strip():
        raise ValidationError(_("Give the topic."))
    title = clean_field(AgendaItem, "title", title)
    description = clean_field(AgendaItem, "description", description, limit=AGENDA_DESCRIPTION_MAX)
    last = session.items.aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(
        session=session,
        order=last + 1,
        title=title,
        description=description,
        time_budget_minutes=time_budget_minutes,
    )
    if issues:
        session_issues.put_on_agenda(item=item, issues=issues, actor=actor)
    push_room(session, kind="session.agenda", actor=actor)
    return item


@transaction.atomic
def reorder_agenda(*, actor: User, session: Session, item_ids: Sequence[int]) -> None:
    """Put the items in this order (every item of the session, each once)."""
    policy.require(actor, "session.manage", session)
    session = locked(session)
    require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    items = {i.pk: i for i in session.items.all()}
    if sorted(item_ids) != sorted(items):
        raise ValidationError(_("List every agenda item exactly once."))
    # Two passes keep the unique (session, order) constraint satisfied throughout.
    offset = len(items) + 1000
    for n, pk in enumerate(item_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(order=offset + n)
    for n, pk in enumerate(item_ids, start=1):
        AgendaItem.objects.filter(pk=pk).update(order=n)
    push_room(session, kind="session.agenda", actor=actor)


# --- deferral and referral ---------------------------------------------------------------------


def _leave_item(item: AgendaItem) -> None:
    if Round.objects.filter(item=item, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("Close the open round first."))
    if Resolution.objects.filter(
        item=item, status__in=[Resolution.Status.VOTING, Resolution.Status.ADOPTED]
    ).exists():
        raise SessionConflict(_("A resolution on this item is before the parties or adopted."))


@transaction.atomic
def defer_item(
    *, actor: User, item: AgendaItem, to_session: Session | None = None
) -> AgendaItem | None:
    """Defer an item to a later session (carried onto its agenda when it is given)."""
    policy.require(actor, "session.chair", item.session)
    session = locked(item.session)
    require_status(session, Session.Status.CONVENED, Session.Status.OPEN)
    item.refresh_from_db()
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    _leave_item(item)
    carried = None
    if to_session is not None:
        if (
            to_session.pk == session.pk
            or to_session.community_id != session.community_id
            or to_session.status != Session.Status.CONVENED
        ):
            raise ValidationError(_("Defer to an upcoming session of the same community."))
        last = to_session.items.aggregate(m=Max("order"))["m"] or 0
        carried = AgendaItem.objects.create(
            session=to_session,
            order=last + 1,
            title=item.title,
            description=item.description,
            time_budget_minutes=item.time_budget_minutes,
            deferred_from=item,
        )
        carried.issues.set(item.issues.all())
        push_room(to_session, kind="session.agenda", actor=actor)
    item.outcome = AgendaItem.Outcome.DEFERRED
    item.deferred_to = to_session
    item.save(update_fields=["outcome", "deferred_to"])
    session_issues.record_outcome(item=item, actor=actor)
    push_room(session, kind="session.deferred", actor=actor)
    return carried


@transaction.atomic
def refer_to_owners_vote(
    *, actor: User, item: AgendaItem, kind: str = MatterKind.OTHER
) -> OwnersVote:
    """Refer an item to the owners' general meeting: a matter reserved to the owners
    (Civil Code art. 278) is not the session's to decide. Hands over to the owners'-vote
    area, where the residents' committee reviews the proposal."""
    policy.require(actor, "session.chair", item.session)
    session = locked(item.session)
    require_status(session, Session.Status.OPEN)
    item.refresh_from_db()
    if item.is_closed:
        raise SessionConflict(_("This item is already decided."))
    if kind not in {k.value for k in MatterKind}:
        raise ValidationError(_("Choose the kind of matter (Civil Code art. 278)."))
    _leave_item(item)
    item.outcome = AgendaItem.Outcome.REFERRED
    item.save(update_fields=["outcome"])
    compound = session.compounds.order_by("id").first()
    assert compound is not None  # a session always concerns a compound
    with translation.override(settings.LANGUAGE_CODE):
        origin = _("Consultation session #%(session)s, item %(item)s") % {
            "session": session.pk,
            "item": item.order,
        }
    proposal = propose_from_session(
        actor=actor,
        compound=compound,
        title=item.title,
        matters=[MatterSpec(kind=kind, title=item.title, description=item.description)],
        origin=origin,
    )
    session_issues.record_outcome(item=item, actor=actor)
    push_room(session, kind="session.referred", actor=actor)
    return proposal
