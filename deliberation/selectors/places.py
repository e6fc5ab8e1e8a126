from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from deliberation.models import Compound, Organization
from deliberation.policy import load_principal
from deliberation.policy.compounds import posting_organizations


def compounds_with_parties() -> QuerySet[Compound]:
    return Compound.objects.select_related(
        "community__party_committee",
        "community__residents_committee",
        "property_provider",
        "owners_committee",
    )


def compounds_visible_to(user: Any) -> QuerySet[Compound]:
    """The compounds a user lives in or serves (all of them for the subdistrict)."""
    p = load_principal(user)
    qs = compounds_with_parties()
    if p.is_subdistrict:
        return qs
    return qs.filter(pk__in=set(p.served_compounds) | set(p.home_compounds))


def organizations_posting_for(user: Any, compound: Compound) -> QuerySet[Organization]:
    """The user's organizations that may post to this compound, in a stable order."""
    org_ids = posting_organizations(load_principal(user), compound)
    return Organization.objects.filter(pk__in=org_ids).order_by("kind", "name")
