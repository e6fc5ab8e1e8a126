"""What the policy needs to know about a user, loaded once per request in fixed queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from deliberation.models import Compound, Membership, Organization, Residency

Kind = Organization.Kind

SUBDISTRICT_KINDS = frozenset(
    {Kind.SUBDISTRICT_OFFICE, Kind.SUBDISTRICT_PARTY_COMMITTEE, Kind.SUPERVISION_GROUP}
)
COMMUNITY_KINDS = frozenset({Kind.PARTY_COMMITTEE, Kind.RESIDENTS_COMMITTEE})
PROVIDER_KINDS = frozenset({Kind.PROPERTY_FIRM, Kind.PROPERTY_RIGHTS_UNIT})
OWNER_BODY_KINDS = frozenset({Kind.OWNERS_COMMITTEE, Kind.PROPERTY_MANAGEMENT_COMMITTEE})


@dataclass(frozen=True)
class Principal:
    """A user's standing: their organizations, the compounds they serve and live in."""

    user_id: int | None
    is_superuser: bool = False
    org_kinds: dict[int, str] = field(default_factory=dict)  # org id -> kind
    org_roles: dict[int, frozenset[str]] = field(default_factory=dict)  # org id -> roles
    served_compounds: dict[int, frozenset[int]] = field(default_factory=dict)  # compound -> orgs
    home_compounds: frozenset[int] = frozenset()
    home_units: frozenset[int] = frozenset()
    owned_units: frozenset[int] = frozenset()

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_subdistrict(self) -> bool:
        """Subdistrict office, its Party working committee and its supervision group."""
        return self.is_superuser or any(k in SUBDISTRICT_KINDS for k in self.org_kinds.values())

    @property
    def is_supervisor(self) -> bool:
        return self.is_superuser or Kind.SUPERVISION_GROUP in self.org_kinds.values()

    @property
    def is_party_staff(self) -> bool:
        """Works for one of the parties (anything but a plain resident)."""
        return self.is_superuser or bool(self.org_kinds)

    def orgs_of_kind(self, *kinds: str) -> set[int]:
        return {org for org, kind in self.org_kinds.items() if kind in kinds}

    def serves(self, compound_id: int, *kinds: str) -> bool:
        """Does one of the user's organizations (of these kinds, if given) serve the compound?"""
        orgs = self.served_compounds.get(compound_id, frozenset())
        if not kinds:
            return bool(orgs)
        return any(self.org_kinds[o] in kinds for o in orgs)

    def lives_in(self, compound_id: int) -> bool:
        return compound_id in self.home_compounds


ANONYMOUS = Principal(user_id=None)


def load_principal(user: Any) -> Principal:
    """Build (and cache on the user object) the user's principal in at most three queries."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_yishi_principal", None)
    if cached is not None:
        return cached

    org_kinds: dict[int, str] = {}
    org_roles: dict[int, set[str]] = {}
    community_orgs: dict[int, set[int]] = {}
    for m in Membership.objects.filter(user_id=user.pk, active=True).select_related("organization"):
        org = m.organization
        org_kinds[org.pk] = org.kind
        org_roles.setdefault(org.pk, set()).add(m.role)
        if org.kind in COMMUNITY_KINDS and org.community_id:
            community_orgs.setdefault(org.community_id, set()).add(org.pk)

    served: dict[int, set[int]] = {}
    if org_kinds:
        org_ids = list(org_kinds)
        responsible = (
            Q(community_id__in=list(community_orgs))
            | Q(property_provider_id__in=org_ids)
            | Q(owners_committee_id__in=org_ids)
        )
        for compound_id, community_id, provider_id, committee_id in Compound.objects.filter(
            responsible
        ).values_list("id", "community_id", "property_provider_id", "owners_committee_id"):
            orgs = served.setdefault(compound_id, set())
            orgs.update(community_orgs.get(community_id, ()))
            orgs.update(o for o in (provider_id, committee_id) if o in org_kinds)

    homes = list(
        Residency.objects.filter(user_id=user.pk).values_list(
            "unit_id", "unit__building__compound_id", "relation"
        )
    )
    principal = Principal(
        user_id=user.pk,
        is_superuser=bool(user.is_superuser),
        org_kinds=org_kinds,
        org_roles={k: frozenset(v) for k, v in org_roles.items()},
        served_compounds={k: frozenset(v) for k, v in served.items()},
        home_compounds=frozenset(c for _, c, _ in homes),
        home_units=frozenset(u for u, _, _ in homes),
        owned_units=frozenset(u for u, _, r in homes if r == Residency.Relation.OWNER),
    )
    user._yishi_principal = principal
    return principal
