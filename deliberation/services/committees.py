"""Owners' committees and property management committees: election, chair, registration,
re-election and 物管会 formation, each checked against ``deliberation.law.owners_votes``.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.law import owners_votes as law
from deliberation.live.refresh import refresh_tasks
from deliberation.models import (
    BodySeat,
    Candidate,
    CommitteeBody,
    CommitteeElection,
    Compound,
    Membership,
    Organization,
    OwnersVote,
    User,
)
from deliberation.periodic import periodic
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.services import votes as vote_services

K = Organization.Kind

PROBLEM_TEXT = {
    "members_even": gettext_lazy("The number of members must be odd."),
    "members_too_few": gettext_lazy(
        "At least 5 members (3 where the compound has at most 100 households)."
    ),
    "pm_members_too_few": gettext_lazy(
        "A property management committee has at least 7 members (BJ reg. arts. 52–59)."
    ),
    "leader_not_residents_committee": gettext_lazy(
        "A member of the residents' committee's staff leads the group (BJ reg. art. 30)."
    ),
    "alternates_exceed_members": gettext_lazy("There may not be more alternates than members."),
    "term_too_long": gettext_lazy("The term is too long."),
    "term_empty": gettext_lazy("The term must end after it starts."),
    "size_even": gettext_lazy("The group must have an odd number of members."),
    "owner_share_below_half": gettext_lazy(
        "Owner representatives must be at least half of the members."
    ),
    "no_residents_committee": gettext_lazy("The residents' committee must be represented."),
    "no_party": gettext_lazy("The community Party organization must be represented."),
    "no_subdistrict": gettext_lazy("The subdistrict must be represented."),
    "chair_not_residents_committee": gettext_lazy(
        "The residents' committee's representative chairs it."
    ),
    "nomination_source": gettext_lazy(
        "Candidates are nominated by the Party organization, the residents' committee or owners."
    ),
    "not_owner": gettext_lazy("Candidates must be owners."),
    "interest_in_property_firm": gettext_lazy(
        "Candidates may have no interest in the property firm."
    ),
    "judgment_defaulter": gettext_lazy("Judgment defaulters cannot stand."),
}


def explain(problems: list[str]) -> list[str]:
    return [str(PROBLEM_TEXT.get(p, p)) for p in problems]


def _fail(problems: list[str]) -> None:
    if problems:
        messages = explain(problems)
        raise InvalidInput(" ".join(messages), fields={"__all__": messages})


def _today() -> date:
    return timezone.localdate()


# --- owners' committee election (BJ reg. arts. 39–41) -----------------------------------------


@transaction.atomic
def start_election(
    *, actor: User, compound: Compound, seats: int, alternates: int = 0, term_years: int = 5
) -> CommitteeElection:
    """Plan the election: seat count and term are checked before any nomination."""
    policy.require(actor, "committee.manage", compound)
    _fail(
        law.owners_committee_size_problems(
            members=seats, alternates=alternates, households=compound.households
        )
    )
    if term_years < 1 or term_years > law.OWNERS_COMMITTEE_MAX_TERM_YEARS:  # BJ reg. art. 41
        _fail(["term_too_long"])
    committee = compound.owners_committee
    if committee is None or committee.kind != K.OWNERS_COMMITTEE:
        committee, _created = Organization.objects.get_or_create(
            name=f"{compound.name}业主委员会",
            defaults={
                "kind": K.OWNERS_COMMITTEE,
                "subdistrict": compound.community.subdistrict,
            },
        )
    return CommitteeElection.objects.create(
        compound=compound,
        committee=committee,
        seats=seats,
        alternates=alternates,
        term_years=term_years,
    )


@transaction.atomic
def nominate(
    *,
    actor: User,
    election: CommitteeElection,
    person: User,
    nominated_by: str,
    interest_in_property_firm: bool = False,
    judgment_defaulter: bool = False,
) -> Candidate:
    """BJ reg. arts. 39–40: only eligible owners, nominated by the Party organization, the
    residents' committee or owners, become candidates."""
    policy.require(actor, "committee.manage", election.compound)
    if election.status != CommitteeElection.Status.NOMINATING:
        raise Conflict(_("Nominations are closed."))
    is_owner = owner_register(election.compound).head(head_key(person_id=person.pk)) is not None
    _fail(
        law.candidate_problems(
            law.Candidate(is_owner, interest_in_property_firm, judgment_defaulter, nominated_by)
        )
    )
    candidate, _created = Candidate.objects.update_or_create(
        election=election,
        person=person,
        defaults={
            "nominated_by": nominated_by,
            "interest_in_property_firm": interest_in_property_firm,
            "judgment_defaulter": judgment_defaulter,
        },
    )
    return candidate


@transaction.atomic
def put_to_owners(*, actor: User, election: CommitteeElection, title: str) -> OwnersVote:
    """One matter of kind (3) per candidate (Civil Code art. 278 (3)); the vote then runs the
    normal procedure (review, notice, ballots, tally, publication)."""
    policy.require(actor, "committee.manage", election.compound)
    candidates = list(election.candidates.select_related("person").order_by("id"))
    if len(candidates) < election.seats:
        raise InvalidInput(_("Nominate at least as many candidates as there are seats."))
    specs = [
        vote_services.MatterSpec(
            kind=law.MatterKind.COMMITTEE,
            title=_("Elect %(name)s to the owners' committee") % {"name": c.person},
            effect="committee",
            candidate=c.person,
        )
        for c in candidates
    ]
    if policy.can(actor, "vote.propose", election.compound):
        vote = vote_services.propose_vote(
            actor=actor, compound=election.compound, title=title, matters=specs
        )
    else:  # a first election, prepared by the preparatory group with the community
        vote = vote_services.propose_from_session(
            actor=actor,
            compound=election.compound,
            title=title,
            matters=specs,
            origin=_("Owners' committee election"),
        )
    election.vote = vote
    election.status = CommitteeElection.Status.VOTING
    election.save(update_fields=["vote", "status"])
    return vote


@transaction.atomic
def elect_chair(*, actor: User, election: CommitteeElection, chair: User) -> CommitteeElection:
    """BJ reg. art. 41 (docs/law.md §4): the committee elects its chair within 7 days."""
    policy.require(actor, "committee.chair", election)
    if election.status != CommitteeElection.Status.ELECTED or election.elected_on is None:
        raise Conflict(_("The committee has not been elected yet."))
    if not election.candidates.filter(person=chair, elected="member").exists():
        raise InvalidInput(
            _("The chair must be an elected member."),
            fields={"person": [_("The chair must be an elected member.")]},
        )
    election.chair = chair
    election.chair_elected_on = _today()
    election.save(update_fields=["chair", "chair_elected_on"])
    Membership.objects.filter(organization=election.committee, role=Membership.Role.CHAIR).update(
        active=False
    )
    Membership.objects.update_or_create(
        user=chair,
        organization=election.committee,
        role=Membership.Role.CHAIR,
        defaults={"is_owner_representative": True, "active": True},
    )
    return election


@transaction.atomic
def register_committee(
    *, actor: User, election: CommitteeElection, registered_on: date | None = None
) -> CommitteeElection:
    """The subdistrict registers the committee (within 30 days of the election). A 物管会 of
    the compound must then be dissolved within 30 days (BJ reg. art. 59)."""
    policy.require(actor, "committee.register", election.compound)
    if election.status != CommitteeElection.Status.ELECTED or election.chair_id is None:
        raise Conflict(_("Register after the chair is elected."))
    day = registered_on or _today()
    election.registered_on = day
    election.status = CommitteeElection.Status.REGISTERED
    election.save(update_fields=["registered_on", "status"])
    compound = election.compound
    previous = compound.owners_committee
    if previous is not None and previous.kind == K.PROPERTY_MANAGEMENT_COMMITTEE:
        CommitteeBody.objects.filter(
            organization=previous, kind=CommitteeBody.Kind.PM_COMMITTEE, dissolved_on__isnull=True
        ).update(dissolve_by=law.pm_committee_dissolution_deadline(day))
    compound.owners_committee = election.committee
    compound.save(update_fields=["owners_committee"])
    return election


def deadlines(election: CommitteeElection) -> dict[str, date | None]:
    if election.elected_on is None:
        return {"chair_by": None, "register_by": None}
    return {
        "chair_by": law.chair_deadline(election.elected_on),
        "register_by": law.registration_deadline(election.elected_on),
    }


# --- re-election (BJ reg. art. 49) ------------------------------------------------------------


@periodic("committee_reelection_reminders")
def remind_reelection(today: date | None = None) -> int:
    """Six months before a term ends the committee must report for re-election (BJ reg.
    art. 49): the re-election record becomes its task ("report the term end"), once."""
    today = today or _today()
    sent = 0
    for compound in Compound.objects.filter(
        owners_committee__kind=K.OWNERS_COMMITTEE, owners_committee__term_end__isnull=False
    ).select_related("owners_committee"):
        committee = compound.owners_committee
        assert committee is not None and committee.term_end is not None
        due = law.reelection_report_due(committee.term_end)
        if today < due:
            continue
        with transaction.atomic():
            _body, created = CommitteeBody.objects.get_or_create(
                kind=CommitteeBody.Kind.REELECTION_GROUP,
                compound=compound,
                organization=committee,
                term_end=committee.term_end,
                defaults={"report_due": due},
            )
            if created:  # the committee's task: "report the term end"
                refresh_tasks(organizations=[committee.pk])
        if created:
            sent += 1
    return sent


@transaction.atomic
def report_term_end(*, actor: User, body: CommitteeBody) -> CommitteeBody:
    """The committee reports; the subdistrict must form the group within 60 days."""
    policy.require(actor, "committee.report", body)
    if body.reported_on is not None:
        raise Conflict(_("Already reported."))
    body.reported_on = _today()
    body.form_by = law.reelection_group_deadline(body.reported_on)
    body.save(update_fields=["reported_on", "form_by"])
    return body


def _seat_rows(body: CommitteeBody, seats: list[tuple[User, str]], chair: User | None) -> None:
    BodySeat.objects.filter(body=body).delete()
    BodySeat.objects.bulk_create(
        BodySeat(
            body=body, person=person, seat=seat, is_chair=chair is not None and person == chair
        )
        for person, seat in seats
    )


@transaction.atomic
def form_reelection_group(
    *, actor: User, body: CommitteeBody, seats: list[tuple[User, str]]
) -> CommitteeBody:
    """BJ reg. art. 49: composed like a preparatory group (odd, owners ≥ 1/2, residents'
    committee, Party organization and subdistrict represented)."""
    policy.require(actor, "committee.register", body.compound)
    _fail(law.reelection_group_problems([s for _p, s in seats]))
    _seat_rows(body, seats, None)
    body.formed_on = _today()
    body.save(update_fields=["formed_on"])
    return body


# --- property management committee (BJ reg. arts. 52–59) --------------------------------------


@transaction.atomic
def form_pm_committee(
    *,
    actor: User,
    compound: Compound,
    name: str,
    seats: list[tuple[User, str]],
    chair: User,
    term_start: date,
    term_end: date,
) -> CommitteeBody:
    """The subdistrict forms a 物管会 where no owners' committee exists."""
    policy.require(actor, "committee.register", compound)
    current = compound.owners_committee
    if current is not None and current.kind == K.OWNERS_COMMITTEE:
        raise Conflict(_("The compound has an owners' committee."))
    chair_seat = next((s for p, s in seats if p == chair), None)
    _fail(
        law.pm_committee_problems([s for _p, s in seats], chair=chair_seat)
        + law.term_problems(term_start, term_end, max_years=law.PM_COMMITTEE_MAX_TERM_YEARS)
    )
    org, _created = Organization.objects.get_or_create(
        name=name,
        defaults={
            "kind": K.PROPERTY_MANAGEMENT_COMMITTEE,
            "subdistrict": compound.community.subdistrict,
        },
    )
    org.term_number = (org.term_number or 0) + 1
    org.term_start, org.term_end = term_start, term_end
    org.save(update_fields=["term_number", "term_start", "term_end"])
    for person, seat in seats:
        Membership.objects.update_or_create(
            user=person,
            organization=org,
            role=Membership.Role.CHAIR if person == chair else Membership.Role.MEMBER,
            defaults={"is_owner_representative": seat == law.Seat.OWNER, "active": True},
        )
    body = CommitteeBody.objects.create(
        kind=CommitteeBody.Kind.PM_COMMITTEE,
        compound=compound,
        organization=org,
        formed_on=term_start,
        term_end=term_end,
    )
    _seat_rows(body, seats, chair)
    compound.owners_committee = org
    compound.save(update_fields=["owners_committee"])
    return body


@transaction.atomic
def dissolve_pm_committee(*, actor: User, body: CommitteeBody) -> CommitteeBody:
    policy.require(actor, "committee.register", body.compound)
    if body.kind != CommitteeBody.Kind.PM_COMMITTEE or body.dissolved_on is not None:
        raise Conflict(_("Nothing to dissolve."))
    body.dissolved_on = _today()
    body.save(update_fields=["dissolved_on"])
    Membership.objects.filter(organization=body.organization).update(active=False)
    return body
