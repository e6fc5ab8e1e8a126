"""What the public pages (no login) show: the subdistrict's compounds, a community, a
compound's notice board, services directory, committee, published minutes and vote results.

Only what is public by law or practice, and no person: organizations, terms and counts,
never a member's name; texts pass through ``public_text`` first. Each function takes a fixed
number of queries whatever the number of rows (the public pages are meant to be cheap).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from deliberation.models import (
    Announcement,
    Community,
    Compound,
    Membership,
    Minutes,
    Organization,
    OwnersVote,
    Resolution,
    Session,
    Subdistrict,
)
from deliberation.selectors.evaluations import latest_listing

from .public_text import Redactor, compound_redactor

#: How many of the newest notices, minutes and results a compound's page shows.
NOTICES_SHOWN = 20
RECORDS_SHOWN = 10


@dataclass(frozen=True)
class Contact:
    """One party in the services directory: what it is to the compound, and the office."""

    role: Any  # a translated label
    organization: Organization | None


@dataclass
class CommitteeSummary:
    """The owners' committee (or property management committee): its term and how many
    sit in it by role. Names stay with the residents' own committee page."""

    organization: Organization
    roles: list[tuple[str, int]] = field(default_factory=list)

    @property
    def members(self) -> int:
        return sum(n for _, n in self.roles)


@dataclass
class CompoundPage:
    compound: Compound
    notices: list[Announcement]
    contacts: list[Contact]
    committee: CommitteeSummary | None
    minutes: list[Session]
    results: list[OwnersVote]


def subdistricts() -> list[Subdistrict]:
    """Every subdistrict with its communities and their compounds (two queries)."""
    compounds = Compound.objects.select_related("property_provider").order_by("name")
    communities = Community.objects.order_by("name").prefetch_related(
        Prefetch("compounds", queryset=compounds)
    )
    return list(
        Subdistrict.objects.order_by("name").prefetch_related(
            Prefetch("communities", queryset=communities)
        )
    )


def compounds_by(compounds: list[Compound], attribute: str) -> list[tuple[str, list[Compound]]]:
    """Compounds grouped by a choice field (category, management mode), in choice order."""
    choices = {
        "category": Compound.Category.choices,
        "management_mode": Compound.ManagementMode.choices,
    }[attribute]
    groups: list[tuple[str, list[Compound]]] = []
    for value, label in choices:
        members = [c for c in compounds if getattr(c, attribute) == value]
        if members:
            groups.append((str(label), members))
    return groups


def community(pk: int) -> Community | None:
    """A community with its two committees and its compounds (two queries)."""
    compounds = Compound.objects.select_related("property_provider", "owners_committee")
    return (
        Community.objects.select_related("party_committee", "residents_committee", "subdistrict")
        .prefetch_related(Prefetch("compounds", queryset=compounds.order_by("name")))
        .filter(pk=pk)
        .first()
    )


def subdistrict_office(subdistrict_id: int) -> Organization | None:
    return (
        Organization.objects.filter(
            subdistrict_id=subdistrict_id, kind=Organization.Kind.SUBDISTRICT_OFFICE
        )
        .order_by("name")
        .first()
    )


def _compound(pk: int) -> Compound | None:
    return (
        Compound.objects.select_related(
            "community__party_committee",
            "community__residents_committee",
            "property_provider",
            "owners_committee",
        )
        .annotate(
            provider_listing=Subquery(
                latest_listing(OuterRef("property_provider_id")).values("listing")[:1]
            )
        )
        .filter(pk=pk)
        .first()
    )


def _contacts(compound: Compound) -> list[Contact]:
    c = compound.community
    return [
        Contact(_("Community Party committee"), c.party_committee),
        Contact(_("Residents' committee"), c.residents_committee),
        Contact(_("Property service provider"), compound.property_provider),
        Contact(_("Owners' committee / property management committee"), compound.owners_committee),
        Contact(_("Subdistrict office"), subdistrict_office(c.subdistrict_id)),
    ]


def _committee(compound: Compound) -> CommitteeSummary | None:
    org = compound.owners_committee
    if org is None:
        return None
    counts = dict(
        Membership.objects.filter(organization=org, active=True)
        .values("role")
        .annotate(n=Count("user_id", distinct=True))
        .values_list("role", "n")
    )
    labels = dict(Membership.Role.choices)
    roles = [(str(labels[r]), counts[r]) for r in labels if counts.get(r)]
    return CommitteeSummary(org, roles)


def published_minutes(compound: Compound) -> QuerySet[Session]:
    """Sessions about the compound whose minutes are published, newest first, with their
    adopted resolutions (two queries)."""
    adopted = Resolution.objects.filter(status=Resolution.Status.ADOPTED).order_by("item__order")
    return (
        Session.objects.filter(compounds=compound, minutes__status=Minutes.Status.PUBLISHED)
        .select_related("minutes")
        .prefetch_related(
            Prefetch("items__resolutions", queryset=adopted),
        )
        .order_by("-minutes__published_at", "-id")
    )


def published_results(compound: Compound) -> QuerySet[OwnersVote]:
    """The compound's owners' votes with published results, newest first, with their
    matters (two queries)."""
    return (
        OwnersVote.objects.filter(compound=compound, status=OwnersVote.Status.PUBLISHED)
        .prefetch_related("matters")
        .order_by("-published_at", "-id")
    )


def compound_page(pk: int) -> CompoundPage | None:
    """Everything the compound's public page shows, its texts already redacted."""
    compound = _compound(pk)
    if compound is None:
        return None
    notices = list(
        Announcement.objects.filter(compound=compound).select_related("organization")[
            :NOTICES_SHOWN
        ]
    )
    page = CompoundPage(
        compound=compound,
        notices=notices,
        contacts=_contacts(compound),
        committee=_committee(compound),
        minutes=list(published_minutes(compound)[:RECORDS_SHOWN]),
        results=list(published_results(compound)[:RECORDS_SHOWN]),
    )
    _redact(page, compound_redactor(compound))
    return page


def _redact(page: CompoundPage, redact: Redactor) -> None:
    """Set the ``public_*`` texts the template shows (the stored ones stay untouched)."""
    for notice in page.notices:
        notice.public_title = redact(notice.title)  # type: ignore[attr-defined]
        notice.public_body = redact(notice.body)  # type: ignore[attr-defined]
    for session in page.minutes:
        session.public_title = redact(session.title)  # type: ignore[attr-defined]
        session.adopted = [  # type: ignore[attr-defined]
            (redact(r.decision), r) for item in session.items.all() for r in item.resolutions.all()
        ]
    for vote in page.results:
        vote.public_title = redact(vote.title)  # type: ignore[attr-defined]
        vote.public_matters = list(vote.matters.all())  # type: ignore[attr-defined]
        for matter in vote.public_matters:  # type: ignore[attr-defined]
            matter.public_title = redact(matter.title)
