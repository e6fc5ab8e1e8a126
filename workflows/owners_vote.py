"""The owners' vote as a viewflow process (业主大会表决).

petition? → signatures (20 %, BJ reg. art. 35) → convene (committee task, deadline; the
subdistrict may convene, art. 36) → review (residents' committee, observer) → notice
(≥ 15 days, art. 35) → ballot box (open → close) → count (Civil Code art. 278) → publish
(within 3 days, art. 37) → end.

The domain's services hold every rule and change the vote's status; they send
``vote_changed`` and this module moves the process to match, completing the human task of
the step that was just done. Human tasks are assigned to the person expected to act, so
they appear in "my tasks"; the services, not the task owner, decide who may act.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import Membership, OwnersVote, User
from deliberation.services import votes as vote_services
from workflows.following import follow_on, follow_status, task_page
from workflows.locking import process_row_lock
from workflows.processes import Handle

S = OwnersVote.Status

# A step is done once the vote's status has left these states.
PENDING_WHILE: dict[str, set[str]] = {
    "signatures": {S.PETITIONING},
    "convene": {S.PETITIONING, S.CONVENING},
    "review": {S.PETITIONING, S.CONVENING, S.REVIEW},
    "notice": {S.PETITIONING, S.CONVENING, S.REVIEW, S.PREPARING},
    "ballot_box": {S.PETITIONING, S.CONVENING, S.REVIEW, S.PREPARING, S.NOTICED, S.VOTING},
    "publish": {
        S.PETITIONING,
        S.CONVENING,
        S.REVIEW,
        S.PREPARING,
        S.NOTICED,
        S.VOTING,
        S.CLOSED,
        S.TALLIED,
    },
}


def _member(org_id: int | None, *roles: str) -> User | None:
    if not org_id:
        return None
    qs = Membership.objects.filter(organization_id=org_id, active=True).select_related("user")
    for role in roles:
        m = qs.filter(role=role).order_by("id").first()
        if m is not None:
            return m.user
    m = qs.order_by("id").first()
    return m.user if m else None


class OwnersVoteFlow(flow.Flow):
    """One process per ``OwnersVote`` (its ``artifact``)."""

    process_title = _("Owners' vote")
    process_description = _(
        "An owners' meeting decides by vote: petition, convening, review, notice, ballot "
        "box, count and publication, each within its legal period."
    )
    lock_impl = process_row_lock  # blocking, see workflows/locking.py

    start = (
        flow.StartHandle(this.begin)
        .Annotation(
            title=_("Vote proposed"),
            description=_("The committee proposes a vote, or owners start a petition."),
        )
        .Next(this.route)
    )
    route = (
        flow.If(this.is_petition)
        .Annotation(
            title=_("Petition?"),
            description=_("A petition first needs the owners' signatures."),
        )
        .Then(this.signatures)
        .Else(this.review)
    )
    signatures = (
        Handle()
        .Annotation(
            title=_("Collect signatures"),
            description=_(
                "Owners holding a fifth of the area and of the owners sign the petition."
            ),
        )
        .Next(this.convene)
    )
    convene = (
        flow.View(task_page)
        .Annotation(
            title=_("Convene the owners' meeting"),
            description=_("The committee convenes by its deadline; after it, the subdistrict may."),
        )
        .Assign(this.committee_chair)
        .Next(this.review)
    )
    review = (
        flow.View(task_page)
        .Annotation(
            title=_("Review the proposal"),
            description=_("The residents' committee reviews the proposal as observer."),
        )
        .Assign(this.residents_committee_head)
        .Next(this.notice)
    )
    notice = (
        flow.View(task_page)
        .Annotation(
            title=_("Publish the notice to owners"),
            description=_("The notice reaches every owner at least 15 days before the vote."),
        )
        .Assign(this.convener)
        .Next(this.ballot_box)
    )
    ballot_box = (
        Handle()
        .Annotation(
            title=_("Ballot box"),
            description=_("Owners cast their ballots until the box closes."),
        )
        .Next(this.count)
    )
    count = (
        flow.Function(this.run_count)
        .Annotation(
            title=_("Count"),
            description=_("The ballots are counted by area and by owners."),
        )
        .Next(this.publish)
    )
    publish = (
        flow.View(task_page)
        .Annotation(
            title=_("Publish the results"),
            description=_("The results are published within 3 days of the count."),
        )
        .Assign(this.convener)
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=_("Results published"),
        description=_("The vote is decided and its effects follow."),
    )

    def begin(self, activation: Any, vote: OwnersVote) -> Process:
        activation.process.artifact = vote
        return activation.process

    def vote_of(self, activation: Any) -> OwnersVote:
        return OwnersVote.objects.select_related("compound__community").get(
            pk=activation.process.artifact_object_id
        )

    def is_petition(self, activation: Any) -> bool:
        return self.vote_of(activation).origin == OwnersVote.Origin.PETITION

    def committee_chair(self, activation: Any) -> User | None:
        vote = self.vote_of(activation)
        return _member(vote.compound.owners_committee_id, Membership.Role.CHAIR)

    def residents_committee_head(self, activation: Any) -> User | None:
        vote = self.vote_of(activation)
        return _member(
            vote.compound.community.residents_committee_id,
            Membership.Role.DIRECTOR,
            Membership.Role.STAFF,
        )

    def convener(self, activation: Any) -> User | None:
        """Who notices (policy ``vote.notice``): the committee; the residents' committee
        where the subdistrict convened (BJ reg. art. 36) or no committee exists."""
        if self.vote_of(activation).convened_by_subdistrict:
            return self.residents_committee_head(activation)
        return self.committee_chair(activation) or self.residents_committee_head(activation)

    def run_count(self, activation: Any) -> None:
        vote = self.vote_of(activation)
        if vote.status == S.CLOSED:
            vote_services.tally_vote(vote=vote)


def follow(vote: OwnersVote) -> Process:
    """Start the vote's process if needed and complete every step its status has passed."""

    def status() -> str:
        vote.refresh_from_db(fields=["status"])
        return vote.status

    return follow_status(
        vote,
        start=lambda: OwnersVoteFlow.start.run(vote=vote),
        status=status,
        pending_while=PENDING_WHILE,
        max_steps=12,
    )


follow_on(vote_services.vote_changed, sender=OwnersVote, argument="vote", follow=follow)
