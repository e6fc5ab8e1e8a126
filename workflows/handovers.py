"""The change of firm as a viewflow process (物业交接, docs/law.md §12).

start (owners dismissed the firm, or a vote chose a new one) → notice to the old firm →
handover (service rooms, facilities, records, funds: Civil Code art. 949; the old firm
carries on meanwhile, art. 950) → takeover on the day → end.

The domain's services hold every rule and change the handover's status; they send
``handover_changed`` and this module moves the process to match, as ``owners_vote`` does.
The steps are taken through the action registry (``deliberation/actions/contracts.py``),
which also puts them on the parties' task lists.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.models import Process

from deliberation.models import Handover
from deliberation.services.contracts import handover_changed
from workflows.following import follow_on, follow_status
from workflows.locking import process_row_lock
from workflows.processes import Handle

H = Handover.Status

#: A step is done once the handover's status has left these states.
PENDING_WHILE: dict[str, set[str]] = {
    "notice": {H.NOTICE},
    "handing_over": {H.NOTICE, H.HANDING_OVER},
}


class HandoverFlow(flow.Flow):
    """One process per ``Handover`` (its ``artifact``)."""

    process_title = _("Change of firm")
    process_description = _(
        "The owners change their property firm: notice to the old firm, the handover, and "
        "the new firm taking over on the day."
    )
    lock_impl = process_row_lock

    start = (
        flow.StartHandle(this.begin)
        .Annotation(
            title=_("Change of firm started"),
            description=_("The owners dismissed the firm or chose a new one by vote."),
        )
        .Next(this.notice)
    )
    notice = (
        Handle()
        .Annotation(
            title=_("Notice to the old firm"),
            description=_("The owners' side sends the written notice."),
        )
        .Next(this.handing_over)
    )
    handing_over = (
        Handle()
        .Annotation(
            title=_("Handover"),
            description=_(
                "Service rooms, facilities, records and funds are handed over; the old firm "
                "carries on until the takeover."
            ),
        )
        .Next(this.end)
    )
    end = flow.End().Annotation(
        title=_("Taken over"),
        description=_("The new firm serves the compound; new issues go to it."),
    )

    def begin(self, activation: Any, handover: Handover) -> Process:
        activation.process.artifact = handover
        return activation.process


def follow(handover: Handover) -> Process:
    """Start the handover's process if needed and complete every step its status passed."""
    return follow_status(
        handover,
        start=lambda: HandoverFlow.start.run(handover=handover),
        status=lambda: Handover.objects.values_list("status", flat=True).get(pk=handover.pk),
        pending_while=PENDING_WHILE,
        max_steps=4,
    )


follow_on(handover_changed, sender=Handover, argument="handover", follow=follow)
