"""Where sessions meet issues and work orders: the issue's one timeline follows it onto the
agenda, through each round, to the resolution and the work order it becomes.

Called inside the session services' transactions. Timeline texts are stored as messages
(``deliberation.stored_messages``), translated for each reader.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from deliberation import policy
from deliberation.models import (
    AgendaItem,
    Issue,
    IssueActivity,
    Organization,
    Party,
    Position,
    Resolution,
    Round,
    Session,
    Urgency,
    WorkOrder,
)
from deliberation.selectors.sessions import PARTY_ORDER
from deliberation.services import issues as issue_services
from deliberation.services.work_orders import dispatch_work_order, sla_deadlines
from deliberation.stored_messages import Joined, Message, message

IS = Issue.Status


def _where(item: AgendaItem) -> Message:
    session = item.session
    return message(
        gettext_noop("%(session)s (%(date)s), item %(n)s: %(title)s"),
        session=session.title,
        date=timezone.localtime(session.starts_at).date(),
        n=item.order,
        title=item.title,
    )


def put_on_agenda(*, item: AgendaItem, issues: Sequence[Issue], actor: Any) -> None:
    """Link issues waiting for a session to an agenda item; they move to "on agenda"."""
    compounds = set(item.session.compounds.values_list("pk", flat=True))
    for issue in issues:
        if issue.compound_id not in compounds or issue.status != IS.AWAITING_SESSION:
            raise ValidationError(
                _("Issue #%(n)s is not waiting for a session of this compound.") % {"n": issue.pk}
            )
    item.issues.add(*issues)
    text = message(gettext_noop("On the agenda of %(where)s."), where=_where(item))
    for issue in issues:
        issue_services.move_issue(
            issue=issue,
            status=IS.ON_AGENDA,
            kind=IssueActivity.Kind.ON_AGENDA,
            actor=actor,
            public_text=text,
            link=item,
        )


def _note(item: AgendaItem, text: Message, *, actor: Any, link: Any) -> None:
    for issue in item.issues.all():
        issue_services.record_issue_activity(
            issue=issue, kind=IssueActivity.Kind.NOTE, public_text=text, actor=actor, link=link
        )


def record_round(*, rnd: Round, actor: Any) -> None:
    """Each closed round's positions go onto the timeline of the item's issues."""
    item = rnd.item
    if not item.issues.exists():
        return
    positions = sorted(rnd.positions.all(), key=lambda p: PARTY_ORDER.index(p.party))
    stances: Joined | Message = Joined(
        [
            message(
                gettext_noop("%(party)s: %(stance)s"),
                party=Party(p.party),
                stance=Position.Stance(p.stance),
            )
            for p in positions
        ]
    )
    if not positions:
        stances = message(gettext_noop("no positions"))
    text = message(
        gettext_noop("Round %(n)s at %(where)s — %(stances)s"),
        n=rnd.number,
        where=_where(item),
        stances=stances,
    )
    _note(item, text, actor=actor, link=rnd)


def record_outcome(*, item: AgendaItem, actor: Any, resolution: Resolution | None = None) -> None:
    """Rejected, deferred or referred: say so on the issues' timelines."""
    if not item.issues.exists():
        return
    if resolution is not None and resolution.status == Resolution.Status.REJECTED:
        msgid = gettext_noop("Resolution not adopted at %(where)s: %(decision)s")
    elif item.outcome == AgendaItem.Outcome.DEFERRED and item.deferred_to is not None:
        msgid = gettext_noop("Deferred from %(where)s to %(later)s.")
    elif item.outcome == AgendaItem.Outcome.DEFERRED:
        msgid = gettext_noop("Deferred at %(where)s; it waits for a later session.")
    else:
        msgid = gettext_noop("Referred to an owners' vote at %(where)s.")
    text = message(
        msgid,
        where=_where(item),
        decision=resolution.decision if resolution else "",
        later=item.deferred_to.title if item.deferred_to else "",
    )
    if item.outcome == AgendaItem.Outcome.DEFERRED and item.deferred_to is None:
        for issue in item.issues.all():
            issue_services.move_issue(
                issue=issue,
                status=IS.AWAITING_SESSION,
                kind=IssueActivity.Kind.AWAITING_SESSION,
                actor=actor,
                public_text=text,
                link=item,
            )
        return
    _note(item, text, actor=actor, link=resolution or item)


def _resolve_by(deadline: Any) -> datetime:
    return timezone.make_aware(datetime.combine(deadline, time(18, 0)))


def assign_resolution(*, actor: Any, resolution: Resolution) -> list[WorkOrder]:
    """An adopted resolution becomes work orders for the responsible party: one per issue on
    the item (each issue moves to "resolution assigned"), or one for the item itself."""
    item = resolution.item
    session: Session = item.session
    responsible = resolution.responsible_organization
    if responsible is None:  # checked when the resolution was drafted
        raise ValidationError(_("The responsible party must be an organization."))
    invited = {
        inv.party: inv.organization_id
        for inv in session.invitations.all()
        if inv.organization_id is not None
    }
    co_operating = list(
        Organization.objects.filter(
            pk__in=[invited[p] for p in resolution.cooperating_parties if p in invited]
        )
    )
    compound = session.compounds.order_by("id").first()
    assert compound is not None
    dispatcher = actor if policy.can(actor, "work_order.dispatch", compound) else None
    resolve_by = _resolve_by(resolution.deadline)
    adopted = message(
        gettext_noop("Resolution adopted at %(where)s: %(decision)s"),
        where=_where(item),
        decision=resolution.decision,
    )
    orders: list[WorkOrder] = []
    issues: list[Issue | None] = list(item.issues.select_related("compound", "category"))
    for issue in issues or [None]:
        respond_by, _default = sla_deadlines(
            category=issue.category if issue else None,
            urgency=issue.urgency if issue else Urgency.ORDINARY,
        )
        if issue is not None:
            issue_services.record_issue_activity(
                issue=issue,
                kind=IssueActivity.Kind.NOTE,
                public_text=adopted,
                actor=actor,
                link=resolution,
            )
        orders.append(
            dispatch_work_order(
                actor=dispatcher,
                responsible=responsible,
                title=f"{item.title}：{resolution.decision}"[:200],
                description=resolution.decision,
                compound=issue.compound if issue and issue.compound else compound,
                respond_by=min(respond_by, resolve_by),
                resolve_by=resolve_by,
                issue=issue,
                origin=resolution,
                co_operating=co_operating,
                acceptance_criteria=resolution.acceptance_criteria,
            )
        )
    return orders
