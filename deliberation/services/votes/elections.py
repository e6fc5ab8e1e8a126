"""An owners' committee election decided by the owners: when its vote is published, the
elected members are seated (BJ reg. arts. 39–41). Here, not in ``services.committees``, so
that the votes never import the committees (the committees put candidates to the owners
through the votes)."""

from __future__ import annotations

from django.utils import timezone

from deliberation.law import owners_votes as law
from deliberation.live.refresh import refresh_tasks
from deliberation.models import Candidate, CommitteeElection, Membership, OwnersVote

from .counting import matter_tallies


def conclude_election(*, vote: OwnersVote) -> CommitteeElection | None:
    """Called when an election vote is published: members and alternates by rank, the new
    term (≤ 5 years, BJ reg. art. 41); the chair is due within 7 days, registration within 30."""
    election = CommitteeElection.objects.filter(vote=vote).select_related("committee").first()
    if election is None or election.status != CommitteeElection.Status.VOTING:
        return None
    tallies = matter_tallies(vote)
    by_person = {c.person_id: c for c in election.candidates.all()}
    results = [(m.candidate_id, tallies[m.pk][0]) for m in vote.matters.all() if m.candidate_id]
    ranked = law.elected_candidates(results, seats=election.seats, alternates=election.alternates)
    members = [p for p in ranked[0] if isinstance(p, int)]
    alternates = [p for p in ranked[1] if isinstance(p, int)]
    for person_id in members:
        by_person[person_id].elected = "member"
    for person_id in alternates:
        by_person[person_id].elected = "alternate"
    Candidate.objects.bulk_update(by_person.values(), ["elected"])
    today = timezone.localdate()
    election.status = CommitteeElection.Status.ELECTED
    election.elected_on = today
    election.save(update_fields=["status", "elected_on"])
    committee = election.committee
    Membership.objects.filter(organization=committee).exclude(user_id__in=members).update(
        active=False
    )
    for person_id in members:
        Membership.objects.update_or_create(
            user_id=person_id,
            organization=committee,
            role=Membership.Role.MEMBER,
            defaults={"is_owner_representative": True, "active": True},
        )
    committee.term_number = (committee.term_number or 0) + 1
    committee.term_start = today
    committee.term_end = law.add_years(today, election.term_years)
    committee.save(update_fields=["term_number", "term_start", "term_end"])
    # the chair is now to be elected: the committee's and the community's task lists refresh
    community = election.compound.community
    refresh_tasks(
        organizations=[
            o
            for o in (committee.pk, community.residents_committee_id, community.party_committee_id)
            if o
        ]
    )
    return election
