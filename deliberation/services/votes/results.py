"""Counting (Civil Code art. 278) and publishing the decisions (BJ reg. art. 37)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.law import owners_votes as law
from deliberation.models import Announcement, Matter, OwnersVote, User
from deliberation.services import vote_effects

from .common import S, _acting_org, _changed, _locked, _push_board, _require_status
from .counting import _tally_json, matter_tallies
from .elections import conclude_election


@transaction.atomic
def tally_vote(*, vote: OwnersVote) -> OwnersVote:
    """Count every matter by Civil Code art. 278: quorum first, then its threshold."""
    vote = _locked(vote)
    _require_status(vote, S.CLOSED)
    tallies = matter_tallies(vote)
    for matter in vote.matters.all():
        strict, deemed = tallies[matter.pk]
        matter.outcome = str(strict.outcome)
        matter.tally = {"strict": _tally_json(strict)}
        if deemed is not None:
            matter.tally["deemed"] = _tally_json(deemed)
        matter.save(update_fields=["outcome", "tally"])
    vote.status = S.TALLIED
    vote.save(update_fields=["status"])
    _changed(vote, "vote.tallied")
    return vote


@transaction.atomic
def publish_results(*, actor: User, vote: OwnersVote) -> OwnersVote:
    """Post the decisions to the compound (BJ reg. art. 37) and carry out passed matters."""
    vote = _locked(vote)
    policy.require(actor, "vote.publish", vote)
    _require_status(vote, S.TALLIED)
    vote.status = S.PUBLISHED
    vote.published_at = timezone.now()
    vote.published_by = actor
    vote.save(update_fields=["status", "published_at", "published_by"])
    lines = []
    for matter in vote.matters.all():
        lines.append(f"{matter.position}. {matter.title}：{_outcome_label(matter.outcome)}")
        if matter.outcome == law.Outcome.PASSED:
            _carry_out(actor, vote, matter)
    Announcement.objects.create(
        compound=vote.compound,
        organization=_acting_org(actor, vote),
        author=actor,
        title=_("Decisions of the owners' meeting: %(title)s") % {"title": vote.title},
        body="\n".join(lines)[:4000],
        link=reverse("vote-detail", args=[vote.pk]),
    )
    conclude_election(vote=vote)  # an owners' committee election: rank and seat the members
    _push_board(vote, actor)
    _changed(vote, "vote.published", actor)
    return vote


def _outcome_label(outcome: str) -> str:
    labels: dict[str, str] = {
        law.Outcome.PASSED: _("passed"),
        law.Outcome.REJECTED: _("rejected"),
        law.Outcome.VOID_NO_QUORUM: _("void: no quorum"),
    }
    return labels.get(outcome, outcome)


def _carry_out(actor: User, vote: OwnersVote, matter: Matter) -> None:
    """Passed matters take effect: a work order, the new firm, a committee member."""
    vote_effects.carry_out(actor=actor, vote=vote, matter=matter)
