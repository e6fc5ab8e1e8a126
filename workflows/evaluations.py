"""The community evaluation cycle as a viewflow process (社区评价红黑榜, docs/law.md §9).

opened → scoring (survey and parties' scores, until the subdistrict closes it) → review
(the subdistrict reviews the computed list; task) → publish → appeal period (appeals
decided and republished) → closed → end.

The domain's services hold every rule and change the cycle's status; they send
``cycle_changed`` and this module moves the process to match, as ``workflows.owners_vote``
does for votes.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import EvaluationCycle, Membership, Organization, User
from deliberation.services.evaluations.common import cycle_changed
from workflows.following import follow_on, follow_status, task_page
from workflows.locking import process_row_lock
from workflows.processes import Handle

S = EvaluationCycle.Status

# A step is done once the cycle's status has left these states.
PENDING_WHILE: dict[str, set[str]] = {
    "scoring": {S.SCORING},
    "review": {S.SCORING, S.REVIEW},
    "appeals": {S.SCORING, S.REVIEW, S.PUBLISHED},
}


class EvaluationFlow(flow.Flow):
    """One process per ``EvaluationCycle`` (its ``artifact``)."""

    process_title = _("Community evaluation")
    process_description = _(
        "A half-year evaluation of property service: survey and parties' scores, review, "
        "publication, appeals and corrections."
    )
    lock_impl = process_row_lock

    start = (
        flow.StartHandle(this.begin)
        .Annotation(
            title=_("Cycle opened"),
            description=_("The subdistrict opens the cycle with the method in force."),
        )
        .Next(this.scoring)
    )
    scoring = (
        Handle()
        .Annotation(
            title=_("Survey and scores"),
            description=_(
                "Residents answer the survey; the Party committee, the residents' committee, "
                "the departments and the firm itself score."
            ),
        )
        .Next(this.review)
    )
    review = (
        flow.View(task_page)
        .Annotation(
            title=_("Review and publish"),
            description=_("The subdistrict reviews the computed list and publishes it."),
        )
        .Assign(this.office_head)
        .Next(this.appeals)
    )
    appeals = (
        Handle()
        .Annotation(
            title=_("Appeal period"),
            description=_(
                "Evaluated organizations may appeal; an upheld appeal corrects and republishes."
            ),
        )
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=_("Cycle closed"),
        description=_("The appeal period has passed and every appeal is decided."),
    )

    def begin(self, activation: Any, cycle: EvaluationCycle) -> Process:
        activation.process.artifact = cycle
        return activation.process

    def office_head(self, activation: Any) -> User | None:
        cycle = EvaluationCycle.objects.get(pk=activation.process.artifact_object_id)
        member = (
            Membership.objects.filter(
                organization__subdistrict_id=cycle.subdistrict_id,
                organization__kind=Organization.Kind.SUBDISTRICT_OFFICE,
                active=True,
            )
            .select_related("user")
            .order_by("id")
            .first()
        )
        return member.user if member else None


def follow(cycle: EvaluationCycle) -> Process:
    """Start the cycle's process if needed and complete every step its status has passed."""

    def status() -> str:
        cycle.refresh_from_db(fields=["status"])
        return cycle.status

    return follow_status(
        cycle,
        start=lambda: EvaluationFlow.start.run(cycle=cycle),
        status=status,
        pending_while=PENDING_WHILE,
        max_steps=6,
    )


follow_on(cycle_changed, sender=EvaluationCycle, argument="cycle", follow=follow)
