"""A committee body as a viewflow process: preparatory group (筹备组, BJ reg. art. 30),
re-election group (换届小组, art. 49) or property management committee (物管会, arts. 52–59).

forming (the subdistrict forms it by ``form_by``) → sitting (a group until its work is
done, a 物管会 until it is dissolved by ``dissolve_by``) → end. A re-election group ends
once formed: the election that follows is its own process (an owners' vote).

As in ``workflows.owners_vote``, the services decide and change the body's dates (its
``stage``); they send ``body_changed`` and this module completes every step the stage has
passed. The steps' deadlines are the tasks of the action registry
(``deliberation/actions/committee_bodies.py``).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import CommitteeBody, Membership, Organization, User
from deliberation.services.committee_bodies import body_changed
from workflows.following import follow_on, follow_status, task_page
from workflows.locking import process_row_lock
from workflows.processes import Handle

#: a step is done once the body's stage has left these
PENDING_WHILE: dict[str, set[str]] = {
    "form": {"forming"},
    "sitting": {"forming", "formed"},
}


class CommitteeBodyFlow(flow.Flow):
    """One process per ``CommitteeBody`` (its ``artifact``)."""

    process_title = _("Committee body")
    process_description = _(
        "A preparatory group, a re-election group or a property management committee: formed "
        "by the subdistrict with its composition checked, sitting, then dissolved."
    )
    lock_impl = process_row_lock

    start = (
        flow.StartHandle(this.begin)
        .Annotation(
            title=_("Body started"),
            description=_("An application, a re-election report or the subdistrict's decision."),
        )
        .Next(this.form)
    )
    form = (
        flow.View(task_page)
        .Annotation(
            title=_("Form the body"),
            description=_("The subdistrict names the members; the rules check the composition."),
        )
        .Assign(this.subdistrict_officer)
        .Next(this.route)
    )
    route = (
        flow.If(this.sits_until_dissolved)
        .Annotation(
            title=_("Sits until dissolved?"),
            description=_("A preparatory group and a 物管会 sit until they are dissolved."),
        )
        .Then(this.sitting)
        .Else(this.end)
    )
    sitting = (
        Handle()
        .Annotation(
            title=_("Sitting"),
            description=_(
                "The body works, guided by the Party organization and the "
                "residents' committee, until it is dissolved."
            ),
        )
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=_("Done"),
        description=_("The body has been formed or dissolved."),
    )

    def begin(self, activation: Any, body: CommitteeBody) -> Process:
        activation.process.artifact = body
        return activation.process

    def body_of(self, activation: Any) -> CommitteeBody:
        return CommitteeBody.objects.select_related("compound__community").get(
            pk=activation.process.artifact_object_id
        )

    def sits_until_dissolved(self, activation: Any) -> bool:
        return self.body_of(activation).kind != CommitteeBody.Kind.REELECTION_GROUP

    def subdistrict_officer(self, activation: Any) -> User | None:
        body = self.body_of(activation)
        membership = (
            Membership.objects.filter(
                active=True,
                organization__kind=Organization.Kind.SUBDISTRICT_OFFICE,
                organization__subdistrict_id=body.compound.community.subdistrict_id,
            )
            .select_related("user")
            .order_by("id")
            .first()
        )
        return membership.user if membership else None


def follow(body: CommitteeBody) -> Process:
    """Start the body's process if needed and complete every step its stage has passed."""

    def stage() -> str:
        body.refresh_from_db(fields=["formed_on", "dissolved_on"])
        return body.stage

    return follow_status(
        body,
        start=lambda: CommitteeBodyFlow.start.run(body=body),
        status=stage,
        pending_while=PENDING_WHILE,
        max_steps=6,
    )


follow_on(body_changed, sender=CommitteeBody, argument="body", follow=follow)
