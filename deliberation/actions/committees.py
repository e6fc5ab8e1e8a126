"""A compound's owners' bodies: putting a meeting to the owners (a proposal or a petition),
planning an owners' committee election and seeing it through (nominations, the owners'
vote, the chair, registration) and the re-election report — each step declared once.

One ``compound`` kind carries the steps that start something in a compound (a meeting, a
petition, an election); the ``election`` and ``committee_body`` kinds carry the rest.
Due times (docs/law.md §4): the chair within 7 days of the election and registration within
30 (BJ reg. art. 41); the re-election report six months before the term ends (art. 49).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.live.topics import topic
from deliberation.models import CommitteeBody, CommitteeElection, Compound, Organization, User
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.proposal_forms import ProposalForm
from deliberation.selectors.owner_register import owner_register
from deliberation.services import committees as services
from deliberation.services import votes as vote_services
from deliberation.vote_forms import (
    ChairForm,
    ElectionForm,
    NominateForm,
    PutToVoteForm,
)

from .compounds import compound_organizations
from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

E = CommitteeElection.Status
K = Organization.Kind
SUBDISTRICT_KINDS = (K.SUBDISTRICT_OFFICE, K.SUPERVISION_GROUP)
OWNER_BODIES = (K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT_COMMITTEE)


def _day(value: Any) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else ""


def _end_of(day: date | None) -> datetime | None:
    """A law's deadline in days, as a time for the task list (the end of that day)."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def _subdistrict_orgs(compound: Compound) -> list[int]:
    return list(
        Organization.objects.filter(
            subdistrict_id=compound.community.subdistrict_id, kind__in=SUBDISTRICT_KINDS
        ).values_list("pk", flat=True)
    )


_compound_orgs = compound_organizations


def _subdistrict_filter(p: Principal) -> Q | None:
    orgs = p.orgs_of_kind(*SUBDISTRICT_KINDS)
    if not orgs:
        return None
    return Q(
        compound__community__subdistrict_id__in=Organization.objects.filter(
            pk__in=list(orgs)
        ).values("subdistrict_id")
    )


# --- the compound: a meeting, a petition, an election -----------------------------------------


def _specs(data: dict[str, Any]) -> list[vote_services.MatterSpec]:
    return [vote_services.MatterSpec(**row) for row in data["matters"]]


def _proposal_kwargs(compound: Compound, user: Any) -> dict[str, Any]:
    return {"compound": compound}


def _propose(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    vote = vote_services.propose_vote(
        actor=actor, compound=compound, title=data["title"], matters=_specs(data)
    )
    return Outcome(
        _("Meeting “%(title)s” proposed: the residents' committee reviews it next.")
        % {"title": vote.title},
        redirect=reverse("vote-detail", args=[vote.pk]),
    )


def _petition(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    vote = vote_services.start_petition(
        actor=actor, compound=compound, title=data["title"], matters=_specs(data)
    )
    return Outcome(
        _("Petition “%(title)s” started with your signature; %(n)s owners must sign.")
        % {"title": vote.title, "n": vote.petition_needed},
        redirect=reverse("vote-detail", args=[vote.pk]),
    )


def _start_election(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    election = services.start_election(
        actor=actor,
        compound=compound,
        seats=data["seats"],
        alternates=data["alternates"] or 0,
        term_years=data["term_years"],
    )
    return Outcome(
        _("Election planned: %(n)s members; nominate the candidates next.") % {"n": election.seats},
        redirect=reverse("committee-page", args=[compound.pk]),
    )


def _no_running_election(c: Compound) -> bool:
    return getattr(c, "election_status", None) in (None, E.REGISTERED)


for _action in (
    Action(
        kind="compound",
        name="propose",
        rule="vote.propose",
        label=pgettext_lazy("vote action", "Propose a meeting"),
        run=_propose,
        form=ProposalForm,
        form_kwargs=_proposal_kwargs,
        template="votes/_proposal_fields.html",
    ),
    Action(
        kind="compound",
        name="petition",
        rule="vote.petition",
        label=pgettext_lazy("vote action", "Start the petition"),
        help=gettext_lazy(
            "A temporary meeting when 20 % of the owners sign (BJ reg. art. 35); you sign first."
        ),
        run=_petition,
        form=ProposalForm,
        form_kwargs=_proposal_kwargs,
        template="votes/_proposal_fields.html",
        order=1,
    ),
    Action(
        kind="compound",
        name="start_election",
        rule="committee.manage",
        label=pgettext_lazy("committee action", "Plan an election"),
        help=gettext_lazy(
            "At least 5 members and an odd number (3 where at most 100 households); alternates "
            "no more than members; term at most 5 years (BJ reg. art. 41)."
        ),
        run=_start_election,
        form=ElectionForm,
        when=_no_running_election,
        order=2,
    ),
):
    declare(_action)


# --- an owners' committee election ------------------------------------------------------------


def _elections() -> Any:
    return CommitteeElection.objects.select_related(
        "compound__community", "committee", "chair", "vote"
    )


def _election_candidates(p: Principal) -> Iterable[CommitteeElection]:
    """Elections waiting for their chair (the community, the owners' bodies, the
    subdistrict) or their registration (the subdistrict)."""
    if not p.is_authenticated:
        return []
    mine = Q(pk__in=[])
    served = [
        c
        for c, orgs in p.served_compounds.items()
        if any(p.org_kinds[o] in (*COMMUNITY_KINDS, *OWNER_BODIES) for o in orgs)
    ]
    if served:
        mine |= Q(status=E.ELECTED, compound_id__in=served)
    subdistrict = _subdistrict_filter(p)
    if subdistrict is not None:
        mine |= Q(status=E.ELECTED) & subdistrict
    return _elections().filter(mine).order_by("id")[:500]


declare_kind(
    ObjectKind(
        name="election",
        model=CommitteeElection,
        label=pgettext_lazy("kind", "owners' committee election"),
        load=lambda pk: _elections().filter(pk=pk).first(),
        page_url=lambda e: reverse("committee-page", args=[e.compound_id]),
        audience=lambda e: Audience(
            topics=(topic("compound", e.compound_id, "public"),),
            organizations=(
                e.committee_id,
                *_compound_orgs(e.compound),
                *_subdistrict_orgs(e.compound),
            ),
        ),
        task_candidates=_election_candidates,
        title=lambda e: (
            _("%(compound)s · owners' committee election") % {"compound": e.compound.name}
        ),
    )
)


def _nominate(election: CommitteeElection, actor: User, data: dict[str, Any]) -> Outcome:
    candidate = services.nominate(
        actor=actor,
        election=election,
        person=data["person"],
        nominated_by=data["nominated_by"],
        interest_in_property_firm=data["interest"],
        judgment_defaulter=data["defaulter"],
    )
    return Outcome(_("%(name)s nominated as a candidate.") % {"name": candidate.person})


def _owners(election: CommitteeElection, user: Any) -> dict[str, Any]:
    return {"heads": owner_register(election.compound).heads}


def _put_to_vote(election: CommitteeElection, actor: User, data: dict[str, Any]) -> Outcome:
    title = (data["title"] or "").strip() or _("Owners' committee election")
    vote = services.put_to_owners(actor=actor, election=election, title=title)
    return Outcome(
        _("The candidates are put to the owners as vote #%(id)s.") % {"id": vote.pk},
        redirect=reverse("vote-detail", args=[vote.pk]),
    )


def _chair(election: CommitteeElection, actor: User, data: dict[str, Any]) -> Outcome:
    services.elect_chair(actor=actor, election=election, chair=data["person"])
    return Outcome(
        _("%(name)s recorded as chair; the subdistrict registers the committee by %(day)s.")
        % {"name": data["person"], "day": _day(services.deadlines(election)["register_by"])}
    )


def _register(election: CommitteeElection, actor: User, data: dict[str, Any]) -> Outcome:
    services.register_committee(actor=actor, election=election)
    return Outcome(_("%(name)s registered.") % {"name": election.committee.name})


def _deadline(election: CommitteeElection, which: str) -> Any:
    return _end_of(services.deadlines(election)[which])


for _action in (
    Action(
        kind="election",
        name="nominate",
        rule="committee.manage",
        label=pgettext_lazy("committee action", "Nominate"),
        help=gettext_lazy(
            "Owners only, nominated by the Party organization, the residents' committee or "
            "owners (BJ reg. arts. 39–40)."
        ),
        run=_nominate,
        form=NominateForm,
        form_kwargs=_owners,
        when=lambda e: e.status == E.NOMINATING,
    ),
    Action(
        kind="election",
        name="put_to_vote",
        rule="committee.manage",
        label=pgettext_lazy("committee action", "Put the candidates to the owners"),
        run=_put_to_vote,
        form=PutToVoteForm,
        when=lambda e: e.status == E.NOMINATING,
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="election",
        name="chair",
        rule="committee.chair",
        label=pgettext_lazy("committee action", "Record the chair"),
        run=_chair,
        form=ChairForm,
        form_kwargs=lambda e, user: {"election": e},
        when=lambda e: e.status == E.ELECTED and e.chair_id is None,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda e: _deadline(e, "chair_by"),
        task_label=gettext_lazy("Record the committee's chair"),
    ),
    Action(
        kind="election",
        name="register",
        rule="committee.register",
        label=pgettext_lazy("committee action", "Register the committee"),
        run=_register,
        when=lambda e: e.status == E.ELECTED and e.chair_id is not None,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda e: _deadline(e, "register_by"),
        task_label=gettext_lazy("Register the owners' committee"),
    ),
):
    declare(_action)


# --- the re-election report (BJ reg. art. 49) --------------------------------------------------


def _bodies() -> Any:
    return CommitteeBody.objects.select_related("compound__community", "organization")


def _body_candidates(p: Principal) -> Iterable[CommitteeBody]:
    """Re-elections falling due: the committee whose term ends reports. Groups to form and
    bodies to dissolve by a date: the subdistrict's (deliberation/actions/committee_bodies.py)."""
    owner_bodies = [o for o, kind in p.org_kinds.items() if kind in OWNER_BODIES]
    mine = Q(pk__in=[])
    if owner_bodies:  # only an owners' body reports for its re-election
        mine |= Q(
            kind=CommitteeBody.Kind.REELECTION_GROUP,
            reported_on__isnull=True,
            organization_id__in=owner_bodies,
        )
    subdistrict = _subdistrict_filter(p)
    if subdistrict is not None:
        to_form = Q(form_by__isnull=False, formed_on__isnull=True)
        to_dissolve = Q(dissolve_by__isnull=False) | Q(
            kind=CommitteeBody.Kind.PREPARATORY_GROUP, formed_on__isnull=False
        )
        mine |= Q(dissolved_on__isnull=True) & (to_form | to_dissolve) & subdistrict
    if not owner_bodies and subdistrict is None:
        return []
    return _bodies().filter(mine).order_by("id")[:500]


declare_kind(
    ObjectKind(
        name="committee_body",
        model=CommitteeBody,
        label=pgettext_lazy("kind", "committee body"),
        load=lambda pk: _bodies().filter(pk=pk).first(),
        page_url=lambda b: reverse("committee-page", args=[b.compound_id]),
        audience=lambda b: Audience(
            topics=(topic("compound", b.compound_id, "public"),),
            organizations=(
                b.organization_id,
                *_compound_orgs(b.compound),
                *_subdistrict_orgs(b.compound),
            ),
        ),
        task_candidates=_body_candidates,
        title=lambda b: (
            _("%(name)s · term ends %(day)s")
            % {"name": b.organization.name, "day": _day(b.term_end)}
        ),
    )
)


def _report(body: CommitteeBody, actor: User, data: dict[str, Any]) -> Outcome:
    done = services.report_term_end(actor=actor, body=body)
    return Outcome(
        _("Reported to the subdistrict: it forms the re-election group by %(day)s.")
        % {"day": _day(done.form_by)}
    )


declare(
    Action(
        kind="committee_body",
        name="report",
        rule="committee.report",
        label=pgettext_lazy("committee action", "Report the term end to the subdistrict"),
        help=gettext_lazy("Six months before the term ends (BJ reg. art. 49)."),
        run=_report,
        when=lambda b: b.kind == CommitteeBody.Kind.REELECTION_GROUP and b.reported_on is None,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda b: _end_of(b.report_due),
        task_label=gettext_lazy("Report for re-election"),
    )
)
