"""The compound as the thing on which new matters start: convening a consultation session
(sessions area), proposing an owners' meeting or a petition and starting a committee
election (votes and committees areas). One kind; each area declares its own actions on it."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import pgettext_lazy

from deliberation.live.topics import topic
from deliberation.models import CommitteeBody, CommitteeElection, Compound
from deliberation.selectors.evaluations import latest_listing

from .registry import Audience, ObjectKind, declare_kind


def compound_organizations(compound: Compound) -> list[int]:
    """The owners' body and the community's committees serving the compound."""
    community = compound.community
    own = (
        compound.owners_committee_id,
        community.residents_committee_id,
        community.party_committee_id,
    )
    return [o for o in own if o]


def _sitting_bodies() -> dict[str, Exists]:
    """Whether a 物管会 sits or a preparatory group works (committees area's steps)."""
    sitting = CommitteeBody.objects.filter(compound=OuterRef("pk"), dissolved_on__isnull=True)
    return {
        "pm_committee_sitting": Exists(sitting.filter(kind=CommitteeBody.Kind.PM_COMMITTEE)),
        "preparatory_running": Exists(sitting.filter(kind=CommitteeBody.Kind.PREPARATORY_GROUP)),
    }


def _load_compound(pk: int) -> Compound | None:
    latest = CommitteeElection.objects.filter(compound=OuterRef("pk")).order_by("-id")
    return (
        Compound.objects.select_related(
            "community__party_committee",
            "community__residents_committee",
            "property_provider",
            "owners_committee",
        )
        .annotate(
            election_status=Subquery(latest.values("status")[:1]),
            provider_listing=Subquery(
                latest_listing(OuterRef("property_provider_id")).values("listing")[:1]
            ),
        )
        .annotate(**_sitting_bodies())
        .filter(pk=pk)
        .first()
    )


declare_kind(
    ObjectKind(
        name="compound",
        model=Compound,
        label=pgettext_lazy("kind", "compound"),
        load=_load_compound,
        page_url=lambda c: reverse("compound-detail", args=[c.pk]),
        audience=lambda c: Audience(
            topics=(topic("compound", c.pk, "public"),),
            organizations=tuple(compound_organizations(c)),
        ),
        title=lambda c: c.name,
    )
)
