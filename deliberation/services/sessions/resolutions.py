"""Resolutions: the chair drafts one, the present parties vote, the adoption rule decides."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.models import (
    AgendaItem,
    Resolution,
    ResolutionVote,
    Round,
    Session,
    User,
)
from deliberation.selectors.sessions import (
    PARTY_ORDER,
)
from deliberation.services import session_issues
from deliberation.user_text import clean_field

from .common import (
    SessionConflict,
    current_item,
    locked,
    party_label,
    present_of,
    push_room,
    require_present,
    require_status,
)

# --- resolutions -------------------------------------------------------------------------------


@transaction.atomic
def propose_resolution(
    *,
    actor: User,
    session: Session,
    decision: str,
    responsible_party: str,
    deadline: date,
    acceptance_criteria: str,
    cooperating_parties: Sequence[str] = (),
) -> Resolution:
    """The chair drafts a resolution on the current item and puts it to the parties."""
    policy.require(actor, "session.chair", session)
    session = locked(session)
    require_status(session, Session.Status.OPEN)
    item = current_item(session)
    decision = clean_field(Resolution, "decision", decision)
    acceptance_criteria = clean_field(Resolution, "acceptance_criteria", acceptance_criteria)
    if not decision or not acceptance_criteria:
        raise ValidationError(_("Give the decision and its acceptance criteria."))
    if responsible_party not in PARTY_ORDER or not set(cooperating_parties) <= set(PARTY_ORDER):
        raise ValidationError(_("Unknown party."))
    if deadline < timezone.localdate():
        raise ValidationError(_("The deadline cannot be in the past."))
    if Round.objects.filter(item=item, status=Round.Status.OPEN).exists():
        raise SessionConflict(_("Close the open round first."))
    if Resolution.objects.filter(
        item=item, status__in=[Resolution.Status.VOTING, Resolution.Status.ADOPTED]
    ).exists():
        raise SessionConflict(_("A resolution on this item is already before the parties."))
    invitation = session.invitations.get(party=responsible_party)
    if invitation.organization_id is None:
        # Work orders go to an organization that answers for them.
        raise ValidationError(_("The responsible party must be an organization."))
    resolution = Resolution.objects.create(
        item=item,
        decision=decision.strip(),
        responsible_party=responsible_party,
        responsible_organization_id=invitation.organization_id,
        cooperating_parties=[p for p in PARTY_ORDER if p in set(cooperating_parties)],
        deadline=deadline,
        acceptance_criteria=acceptance_criteria.strip(),
        drafted_by=actor,
    )
    push_room(session, kind="session.resolution", actor=actor)
    return resolution


@transaction.atomic
def vote_on_resolution(
    *, actor: User, session: Session, party: str, choice: str, reason: str = ""
) -> ResolutionVote:
    """A present party agrees, objects (with a reason) or abstains; amendable until decided."""
    policy.require(actor, "session.speak", (session, party))
    if choice not in ResolutionVote.Choice.values:
        raise ValidationError(_("Choose agree, object or abstain."))
    reason = clean_field(ResolutionVote, "reason", reason)
    if choice == ResolutionVote.Choice.OBJECT and not reason:
        raise ValidationError(_("Give the reason for the objection."))
    session = Session.objects.get(pk=session.pk)
    require_status(session, Session.Status.OPEN)
    require_present(session, party)
    resolution = (
        Resolution.objects.select_for_update()
        .filter(item_id=session.current_item_id, status=Resolution.Status.VOTING)
        .first()
    )
    if resolution is None:
        raise SessionConflict(_("No resolution is open for votes."))
    ResolutionVote.objects.bulk_create(
        [
            ResolutionVote(
                resolution=resolution, party=party, choice=choice, reason=reason, author=actor
            )
        ],
        update_conflicts=True,
        unique_fields=["resolution", "party"],
        update_fields=["choice", "reason", "author", "updated_at"],
    )
    push_room(session, kind="session.vote", actor=actor)
    return ResolutionVote.objects.get(resolution=resolution, party=party)


def tally(rule: str, present: Sequence[str], votes: dict[str, str]) -> bool:
    """Apply the session's adoption rule to the present parties' votes."""
    if rule == Session.AdoptionRule.MAJORITY:
        agree = sum(1 for p in present if votes.get(p) == ResolutionVote.Choice.AGREE)
        return agree * 2 > len(present)
    return not any(votes.get(p) == ResolutionVote.Choice.OBJECT for p in present)


@transaction.atomic
def decide_resolution(*, actor: User, resolution: Resolution) -> Resolution:
    """The chair closes the vote once every present party has voted; the rule decides."""
    session = resolution.item.session
    policy.require(actor, "session.chair", session)
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.status != Resolution.Status.VOTING:
        raise SessionConflict(_("This resolution is already decided."))
    present = present_of(session)
    votes = dict(resolution.votes.values_list("party", "choice"))
    waiting = [p for p in present if p not in votes]
    if waiting:
        raise SessionConflict(
            _("Waiting for the votes of %(parties)s.")
            % {"parties": "、".join(party_label(p) for p in waiting)}
        )
    adopted = tally(session.adoption_rule, present, votes)
    resolution.status = Resolution.Status.ADOPTED if adopted else Resolution.Status.REJECTED
    resolution.decided_at = timezone.now()
    resolution.save(update_fields=["status", "decided_at"])
    if adopted:
        item = resolution.item
        item.outcome = AgendaItem.Outcome.ADOPTED
        item.save(update_fields=["outcome"])
        session_issues.assign_resolution(actor=actor, resolution=resolution)
    else:
        session_issues.record_outcome(item=resolution.item, actor=actor, resolution=resolution)
    push_room(session, kind="session.decided", actor=actor)
    return resolution
