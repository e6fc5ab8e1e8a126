"""Matrix rows and budgets of the compound's votes and committee steps: ``compound``
(propose, petition, plan an election), ``election`` and ``committee_body``
(``deliberation/actions/committees.py``). All in 团结公寓, whose owners' committee is
yeweihui's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from deliberation.models import CommitteeBody, CommitteeElection, OwnersVote

from .. import growth_votes
from .. import surfaces_votes as sv
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

E = CommitteeElection.Status
OWNERS = allowed_roles("resident", "owners_committee")
#: the community's committees, the owners' committee and the subdistrict (BJ reg. arts. 38–44)
MANAGERS = allowed_roles("party_committee", "residents_committee", "owners_committee") | SUBDISTRICT


def _proposal(name: str) -> Any:
    def data(demo: Any, compound: Any, user: Any) -> dict[str, Any]:
        return {
            f"{name}-title": f"matrix: {name}",
            f"{name}-matter_title_1": "公共收益公示",
            f"{name}-matter_kind_1": "other",
            f"{name}-matter_effect_1": "none",
        }

    return data


def _made(title: str) -> Any:
    return lambda c: OwnersVote.objects.filter(compound_id=c.pk, title=title).exists()


def tuanjie(demo: Any) -> Any:
    return demo.tuanjie


def _latest(demo: Any, status: str) -> Any:
    sv.election(demo.tuanjie, status)
    return demo.tuanjie


def after_an_election(demo: Any) -> Any:
    """团结公寓 whose latest election is registered: another may be planned."""
    return _latest(demo, E.REGISTERED)


def election_running(demo: Any) -> Any:
    return _latest(demo, E.NOMINATING)


def nominating(demo: Any) -> CommitteeElection:
    return sv.election(demo.tuanjie, E.NOMINATING)


def elected(demo: Any) -> CommitteeElection:
    return sv.election(demo.tuanjie, E.ELECTED, elected="member")


def chaired(demo: Any) -> CommitteeElection:
    return sv.election(demo.tuanjie, E.ELECTED, elected="member", chair=True)


def _status(e: Any) -> str:
    return str(CommitteeElection.objects.values_list("status", flat=True).get(pk=e.pk))


def term_ending(demo: Any) -> CommitteeBody:
    """The committee's term ends in a month; its re-election record waits for the report."""
    sv._reelection_due(demo, demo.tuanjie)
    return CommitteeBody.objects.filter(compound=demo.tuanjie).latest("id")


def reported(demo: Any) -> CommitteeBody:
    from deliberation.services.committees import report_term_end

    body = term_ending(demo)
    report_term_end(actor=demo.user("yeweihui"), body=body)
    return body


ROWS: list[Row] = [
    Row(
        "compound.propose",
        allowed_roles("owners_committee"),
        available=tuanjie,
        unavailable=None,
        always="a committee may always propose another meeting",
        data=_proposal("propose"),
        done=_made("matrix: propose"),
    ),
    Row(
        "compound.petition",
        OWNERS,
        available=tuanjie,
        unavailable=None,
        always="an owner may always start another petition",
        data=_proposal("petition"),
        done=_made("matrix: petition"),
    ),
    Row(
        "compound.start_election",
        MANAGERS,
        available=after_an_election,
        unavailable=election_running,
        isolated=True,  # both states are the one compound's latest election
        data=lambda demo, c, user: {
            "start_election-seats": "3",
            "start_election-alternates": "0",
            "start_election-term_years": "5",
        },
        done=lambda c: (
            CommitteeElection.objects.filter(compound_id=c.pk).latest("id").seats == 3
            and _status(CommitteeElection.objects.filter(compound_id=c.pk).latest("id"))
            == E.NOMINATING
        ),
    ),
    Row(
        "election.nominate",
        MANAGERS,
        available=nominating,
        unavailable=elected,
        data=lambda demo, e, user: {
            "nominate-person": sv.owners_of(e.compound, 4)[-1].pk,
            "nominate-nominated_by": "owners",
        },
        done=lambda e: e.candidates.count() == 4,
    ),
    Row(
        "election.put_to_vote",
        MANAGERS,
        available=nominating,
        unavailable=elected,
        data=lambda demo, e, user: {"put_to_vote-title": "matrix: 业委会选举"},
        done=lambda e: OwnersVote.objects.filter(title="matrix: 业委会选举").exists(),
    ),
    Row(
        "election.chair",
        MANAGERS,
        available=elected,
        unavailable=chaired,
        data=lambda demo, e, user: {"chair-person": sv.owners_of(e.compound, 1)[0].pk},
        done=lambda e: CommitteeElection.objects.get(pk=e.pk).chair_id is not None,
    ),
    Row(
        "election.register",
        SUBDISTRICT,
        available=chaired,
        unavailable=elected,
        done=lambda e: _status(e) == E.REGISTERED,
    ),
    Row(
        "committee_body.report",
        allowed_roles("owners_committee") | SUBDISTRICT,
        available=term_ending,
        unavailable=reported,
        done=lambda b: CommitteeBody.objects.get(pk=b.pk).reported_on is not None,
    ),
]


# --- budgets ---------------------------------------------------------------------------------


def budget_election(demo: Any) -> CommitteeElection:
    return growth_votes._election(demo)


def election_tasks(demo: Any, n: int) -> None:
    """Elections whose chair is still to be recorded (the community's, the owners' body's
    and the subdistrict's task)."""
    compound = demo.tuanjie
    CommitteeElection.objects.bulk_create(
        CommitteeElection(
            compound=compound,
            committee_id=compound.owners_committee_id,
            seats=3,
            status=E.ELECTED,
            elected_on=timezone.localdate(),
        )
        for _ in range(n)
    )


def body_tasks(demo: Any, n: int) -> None:
    """Re-elections falling due, for the owners' committee to report."""
    compound = demo.tuanjie
    today = timezone.localdate()
    CommitteeBody.objects.bulk_create(
        CommitteeBody(
            kind=CommitteeBody.Kind.REELECTION_GROUP,
            compound=compound,
            organization_id=compound.owners_committee_id,
            term_end=today + timedelta(days=30),
            report_due=today - timedelta(days=1),
        )
        for _ in range(n)
    )


def budget_body(demo: Any) -> CommitteeBody:
    if not hasattr(demo, "_budget_body"):
        demo._budget_body = term_ending(demo)
    return demo._budget_body


def grow_compound(demo: Any, n: int) -> None:
    """What a compound's steps might read: its meetings, its committee's election and
    bodies, the issues waiting for a session (the convene form offers them)."""
    from .. import budgets, growth_sessions

    budgets.grow_votes(demo, n)
    growth_votes.grow_committee(demo, n)
    growth_sessions.grow_waiting_issues(demo, n)


def _no_tasks(demo: Any, n: int) -> None:
    """A compound holds no task (its steps are taken when someone chooses to)."""


BUDGETS: dict[str, KindBudget] = {
    "compound": KindBudget(tuanjie, grow_compound, _no_tasks),
    "election": KindBudget(budget_election, growth_votes.grow_committee, election_tasks),
    "committee_body": KindBudget(budget_body, growth_votes.grow_committee, body_tasks),
}
