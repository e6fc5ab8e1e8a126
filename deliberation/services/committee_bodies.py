"""Preparatory groups, re-election groups and property management committees as the
subdistrict forms them from the committee page: the application for a first owners'
committee, forming a group with its composition checked (docs/law.md §§4–5), the guidance
of the community Party organization and the residents' committee, and dissolution.

Each change sends ``body_changed`` so the viewflow process (``workflows.committee_bodies``)
follows the body's stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.law import owners_votes as law
from deliberation.models import CommitteeBody, Compound, Organization, User
from deliberation.policy.principal import load_principal

from . import committees as committee_services

K = Organization.Kind
B = CommitteeBody.Kind

#: sent after every change of a body's stage; the flow follows.
body_changed = Signal()


@dataclass(frozen=True)
class Composition:
    """Who sits on a group or a 物管会, and who leads (chairs) it."""

    seats: list[tuple[User, str]]
    chair: User | None = None

    @property
    def chair_seat(self) -> str | None:
        return next((s for p, s in self.seats if self.chair is not None and p == self.chair), None)


def composition_problems(kind: str, composition: Composition) -> list[str]:
    """The rule for ``kind`` (BJ reg. arts. 30, 49, 52–59), as problem codes."""
    seats = [s for _p, s in composition.seats]
    if kind == B.PM_COMMITTEE:
        return law.pm_committee_problems(seats, chair=composition.chair_seat)
    if kind == B.PREPARATORY_GROUP:
        return law.preparatory_group_problems(seats, chair=composition.chair_seat)
    return law.reelection_group_problems(seats)


def check(kind: str, composition: Composition) -> list[str]:
    """The problems in the people's language, for the form as it is being filled."""
    return committee_services.explain(composition_problems(kind, composition))


def _refuse(problems: list[str]) -> None:
    if problems:
        messages = committee_services.explain(problems)
        raise InvalidInput(
            _("The composition does not meet the rules: %(list)s") % {"list": " ".join(messages)},
            fields={"__all__": messages},
        )


def _changed(body: CommitteeBody) -> None:
    body_changed.send(sender=CommitteeBody, body=body)


def _today() -> date:
    return timezone.localdate()


def _has_committee(compound: Compound) -> bool:
    current = compound.owners_committee
    return current is not None and current.kind == K.OWNERS_COMMITTEE


def future_committee(compound: Compound) -> Organization:
    """The owners' committee a preparatory group works towards (named as an election names it)."""
    committee, _created = Organization.objects.get_or_create(
        name=f"{compound.name}业主委员会",
        defaults={"kind": K.OWNERS_COMMITTEE, "subdistrict": compound.community.subdistrict},
    )
    return committee


# --- the preparatory group of a first owners' committee (BJ reg. art. 30) ---------------------


@transaction.atomic
def receive_application(
    *, actor: User, compound: Compound, applied_on: date | None = None
) -> CommitteeBody:
    """Owners (5 %) or the developer apply; the subdistrict must form the group within 30
    days (docs/law.md §4)."""
    policy.require(actor, "committee.register", compound)
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    if _has_committee(compound):
        raise Conflict(_("The compound has an owners' committee."))
    if CommitteeBody.objects.filter(
        compound=compound, kind=B.PREPARATORY_GROUP, dissolved_on__isnull=True
    ).exists():
        raise Conflict(_("A preparatory group is already under way."))
    day = applied_on or _today()
    body = CommitteeBody.objects.create(
        kind=B.PREPARATORY_GROUP,
        compound=compound,
        organization=future_committee(compound),
        applied_on=day,
        form_by=law.preparatory_group_deadline(day),
    )
    _changed(body)
    return body


@transaction.atomic
def form_group(*, actor: User, body: CommitteeBody, composition: Composition) -> CommitteeBody:
    """Form a preparatory group (art. 30) or a re-election group (art. 49): the composition is
    checked first, and nothing is stored when it fails."""
    policy.require(actor, "committee.register", body.compound)
    body = CommitteeBody.objects.select_for_update().get(pk=body.pk)
    if body.kind not in (B.PREPARATORY_GROUP, B.REELECTION_GROUP) or body.formed_on is not None:
        raise Conflict(_("This group has already been formed."))
    if body.kind == B.REELECTION_GROUP and body.reported_on is None:
        raise Conflict(_("The committee has not reported its term end yet."))
    _refuse(composition_problems(body.kind, composition))
    committee_services._seat_rows(body, composition.seats, composition.chair)
    body.formed_on = _today()
    fields = ["formed_on"]
    if body.kind == B.PREPARATORY_GROUP:
        body.first_meeting_by = law.first_meeting_deadline(body.formed_on)
        fields.append("first_meeting_by")
    body.save(update_fields=fields)
    _changed(body)
    return body


# --- the property management committee (BJ reg. arts. 52–59) ----------------------------------


def pm_committee_blocked(compound: Compound) -> bool:
    """A 物管会 is formed only where no owners' committee sits and none is sitting already."""
    return (
        _has_committee(compound)
        or CommitteeBody.objects.filter(
            compound=compound, kind=B.PM_COMMITTEE, dissolved_on__isnull=True
        ).exists()
    )


@transaction.atomic
def form_pm_committee(
    *, actor: User, compound: Compound, composition: Composition, term_start: date, term_end: date
) -> CommitteeBody:
    """The subdistrict forms a 物管会; it refuses, saying every problem, when the composition or
    the term breaks the rules (docs/law.md §5)."""
    policy.require(actor, "committee.register", compound)
    compound = Compound.objects.select_for_update().get(pk=compound.pk)
    if pm_committee_blocked(compound):
        raise Conflict(_("The compound already has a sitting committee."))
    problems = composition_problems(B.PM_COMMITTEE, composition) + law.term_problems(
        term_start, term_end, max_years=law.PM_COMMITTEE_MAX_TERM_YEARS
    )
    _refuse(problems)
    assert composition.chair is not None  # else chair_not_residents_committee
    current = compound.owners_committee
    name = (
        current.name
        if current is not None and current.kind == K.PROPERTY_MANAGEMENT_COMMITTEE
        else f"{compound.name}物业管理委员会"
    )
    body = committee_services.form_pm_committee(
        actor=actor,
        compound=compound,
        name=name,
        seats=composition.seats,
        chair=composition.chair,
        term_start=term_start,
        term_end=term_end,
    )
    _changed(body)
    return body


# --- guidance and dissolution -----------------------------------------------------------------

GUIDES = {
    "party": (K.PARTY_COMMITTEE, "party_guidance"),
    "residents_committee": (K.RESIDENTS_COMMITTEE, "residents_guidance"),
}


@transaction.atomic
def record_guidance(*, actor: User, body: CommitteeBody, source: str, text: str) -> CommitteeBody:
    """The community Party organization and the residents' committee guide the group or the
    物管会 (BJ reg. arts. 30, 52); each records its own guidance."""
    policy.require(actor, "committee.guide", body)
    if source not in GUIDES:
        raise InvalidInput(
            _("Choose who gives the guidance."),
            fields={"source": [_("Choose who gives the guidance.")]},
        )
    kind, field = GUIDES[source]
    if not load_principal(actor).serves(body.compound_id, kind):
        message = _("You do not speak for that organization in this compound.")
        raise InvalidInput(message, fields={"source": [message]})
    text = text.strip()
    if not text:
        raise InvalidInput(_("Write the guidance."), fields={"text": [_("Write the guidance.")]})
    body = CommitteeBody.objects.select_for_update().get(pk=body.pk)
    if body.dissolved_on is not None:
        raise Conflict(_("This body has been dissolved."))
    setattr(body, field, text)
    body.save(update_fields=[field])
    return body


@transaction.atomic
def dissolve(*, actor: User, body: CommitteeBody) -> CommitteeBody:
    """A 物管会 is dissolved within 30 days of an owners' committee registering (art. 59); a
    preparatory group's work ends with the first meeting (art. 30)."""
    policy.require(actor, "committee.register", body.compound)
    body = (
        CommitteeBody.objects.select_related("compound", "organization")
        .select_for_update(of=("self",))
        .get(pk=body.pk)
    )
    if body.dissolved_on is not None or body.kind == B.REELECTION_GROUP:
        raise Conflict(_("Nothing to dissolve."))
    if body.kind == B.PM_COMMITTEE:
        body = committee_services.dissolve_pm_committee(actor=actor, body=body)
        compound = body.compound
        if compound.owners_committee_id == body.organization_id:  # no committee sits now
            compound.owners_committee = None
            compound.save(update_fields=["owners_committee"])
    else:
        if body.formed_on is None:
            raise Conflict(_("The group has not been formed yet."))
        body.dissolved_on = _today()
        body.save(update_fields=["dissolved_on"])
    _changed(body)
    return body
