"""What every step of an owners' vote shares: the status signal, the conflict, the row
lock, the live panels and the organizations that follow a vote.

Status changes send ``vote_changed`` so the viewflow process (``workflows.owners_vote``)
follows without the domain knowing the engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.dispatch import Signal
from django.utils.translation import gettext as _

from deliberation.errors import Conflict, InvalidInput
from deliberation.law import owners_votes as law
from deliberation.live.outbox import record_event
from deliberation.live.refresh import refresh_controls, refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import Matter, Organization, OwnersVote, User
from deliberation.selectors.votes import (
    paper_queue,
    vote_organizations,
    vote_page_context,
)
from deliberation.services import notifications
from deliberation.services.announcements import BOARD_TEMPLATE, board_context

S = OwnersVote.Status

#: Sent (inside the transaction) after every status change: ``sender=OwnersVote, vote=``.
vote_changed = Signal()


class VoteConflict(Conflict):
    """The vote is not in a state that allows this (HTTP 409)."""


@dataclass(frozen=True)
class MatterSpec:
    """What a proposer puts on the agenda."""

    kind: str
    title: str
    description: str = ""
    effect: str = Matter.Effect.NONE
    effect_organization: Organization | None = None
    candidate: User | None = None
    #: Checked attachments: ``(file, content type, extension)`` (``matter_documents``).
    documents: tuple[tuple[Any, str, str], ...] = ()


def notice_days() -> tuple[int, timedelta]:
    """The notice period: 15 days (BJ reg. art. 35).

    ``YISHI_DEMO_NOTICE_MINUTES`` (a documented demo/test setting, honoured only with
    DEBUG on) replaces it by minutes so the whole procedure can be walked through in
    ``make run``; every notice then says it is not lawful.
    """
    minutes = getattr(settings, "YISHI_DEMO_NOTICE_MINUTES", None)
    if minutes is not None and settings.DEBUG:
        return 0, timedelta(minutes=minutes)
    return law.NOTICE_DAYS, timedelta(days=law.NOTICE_DAYS)


def _locked(vote: OwnersVote) -> OwnersVote:
    return (
        OwnersVote.objects.select_for_update().select_related("compound__community").get(pk=vote.pk)
    )


def _require_status(vote: OwnersVote, *allowed: str) -> None:
    if vote.status not in allowed:
        raise VoteConflict(
            _("This vote is now “%(status)s”; the action is no longer possible.")
            % {"status": vote.get_status_display()}
        )


def _invalid(message: str, field: str = "__all__") -> InvalidInput:
    """Bad input, said in the person's language (HTTP 400)."""
    return InvalidInput(message, fields={field: [message]})


def _push(vote: OwnersVote, kind: str, actor: Any = None) -> None:
    """Re-render the vote's public panel (status, petition counter, turnout, results)."""
    record_event(
        topic=topic("vote", vote.pk, "public"),
        kind=kind,
        template="votes/_panel.html",
        context=vote_page_context(vote),
        actor=actor,
    )


def _push_staff(vote: OwnersVote, actor: Any = None) -> None:
    record_event(
        topic=topic("vote", vote.pk, "staff"),
        kind="vote.paper",
        template="votes/_paper_queue.html",
        context={"vote": vote, **paper_queue(vote)},
        actor=actor,
    )


def _changed(vote: OwnersVote, kind: str, actor: Any = None) -> None:
    _push(vote, kind, actor)
    vote_changed.send(sender=OwnersVote, vote=vote)
    notifications.notify_vote_changed(vote)


def follow(vote: OwnersVote, *, users: list[int] | tuple[int, ...] = (), actor: Any = None) -> None:
    """A change not made through an action (the clock, a session's referral): the vote's
    open pages fetch their controls again and the task lists of the organizations that act
    on it (and of ``users``) refresh — inside the caller's transaction."""
    refresh_controls(
        kind="vote", pk=vote.pk, topics=[topic("vote", vote.pk, "public")], actor=actor
    )
    refresh_tasks(organizations=vote_organizations(vote), users=users, actor=actor)


def _acting_org(actor: User, vote: OwnersVote) -> Organization:
    compound = vote.compound
    for org_id in (compound.owners_committee_id, compound.community.residents_committee_id):
        if org_id and actor.memberships.filter(organization_id=org_id, active=True).exists():
            return Organization.objects.get(pk=org_id)
    org = actor.memberships.filter(active=True).select_related("organization").first()
    if org is None:
        raise _invalid(_("You act for no organization."))
    return org.organization


def _push_board(vote: OwnersVote, actor: User) -> None:
    record_event(
        topic=topic("compound", vote.compound_id, "public"),
        kind="announcement.posted",
        template=BOARD_TEMPLATE,
        context=board_context(vote.compound),
        actor=actor,
    )
