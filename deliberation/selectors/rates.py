"""The property "三率" per community and for the subdistrict (docs/law.md §7a, our reading).

Over the compounds (management areas) on record, each rate is the share of compounds that

* **committee formation** — has an owners' committee whose term has not ended, or a
  property management committee in office (formed and not dissolved);
* **property-service coverage** — has property service: a market firm or self-management by
  the property-rights unit (``Compound.ManagementMode``);
* **Party-organization coverage** — its property service provider or its owners' committee /
  property management committee has a Party branch of its own or is covered by a joint one.

The target is ≥ 90 % (``TARGET``). One query, whatever the number of compounds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deliberation.models import CommitteeBody, Compound, Organization

K = Organization.Kind
M = Compound.ManagementMode
#: The rates' target (docs/law.md §7a).
TARGET = Fraction(90, 100)
OWNER_BODIES = (K.OWNERS_COMMITTEE, K.PROPERTY_MANAGEMENT_COMMITTEE)

RATES = ("committee", "service", "party")
RATE_NAMES = {
    "committee": _("Owners' committee / property management committee formation rate"),
    "service": _("Property-service coverage rate"),
    "party": _("Party-organization coverage rate"),
}
REASONS = {
    "committee": {
        "none": _("no owners' committee or property management committee"),
        "term_ended": _("the owners' committee's term has ended (re-election due)"),
    },
    "service": {"none": _("no property service (neither a firm nor self-management)")},
    "party": {
        "none": _(
            "neither its property service provider nor its owners' body is covered "
            "by a Party organization"
        ),
    },
}


@dataclass(frozen=True)
class CompoundStanding:
    """One compound's answer to each of the three questions, with the reason when not."""

    pk: int
    name: str
    community: str
    category: str
    mode: str
    households: int
    committee: str  # "" when formed, else a key of REASONS["committee"]
    service: str
    party: str

    def reason(self, rate: str) -> str:
        return str(REASONS[rate][getattr(self, rate)]) if getattr(self, rate) else ""

    @property
    def committee_reason(self) -> str:
        return self.reason("committee")

    @property
    def service_reason(self) -> str:
        return self.reason("service")

    @property
    def party_reason(self) -> str:
        return self.reason("party")


@dataclass
class Rate:
    key: str
    counted: int = 0
    total: int = 0
    pulling_down: list[CompoundStanding] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(RATE_NAMES[self.key])

    @property
    def value(self) -> Fraction | None:
        return Fraction(self.counted, self.total) if self.total else None

    @property
    def meets_target(self) -> bool:
        return self.value is not None and self.value >= TARGET

    @property
    def percent(self) -> str:
        return percent_text(self.value)


def percent_text(value: Fraction | None) -> str:
    """One decimal, rounded half up on the exact fraction (89.95 % is 90.0 %, but it is the
    fraction, not this text, that is compared with the target)."""
    if value is None:
        return "—"
    tenths = (Decimal(value.numerator) * 1000 / Decimal(value.denominator)).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return f"{tenths / 10:.1f}%"


@dataclass
class Area:
    """A community, or the whole subdistrict (``key`` None)."""

    key: int | None
    name: str
    rates: dict[str, Rate] = field(default_factory=lambda: {k: Rate(k) for k in RATES})

    def add(self, c: CompoundStanding) -> None:
        for key, rate in self.rates.items():
            rate.total += 1
            if getattr(c, key):
                rate.pulling_down.append(c)
            else:
                rate.counted += 1

    @property
    def compounds(self) -> int:
        return self.rates["committee"].total


def standing_rows(today: date | None = None) -> list[CompoundStanding]:
    """Every compound with its three answers (one query)."""
    today = today or timezone.localdate()
    pm_in_office = CommitteeBody.objects.filter(
        compound=OuterRef("pk"),
        kind=CommitteeBody.Kind.PM_COMMITTEE,
        formed_on__isnull=False,
        dissolved_on__isnull=True,
    )
    rows = (
        Compound.objects.annotate(pm_in_office=Exists(pm_in_office))
        .values(
            "pk",
            "name",
            "community__name",
            "category",
            "management_mode",
            "households",
            "pm_in_office",
            "owners_committee__kind",
            "owners_committee__term_end",
            "owners_committee__party_coverage",
            "property_provider__party_coverage",
        )
        .order_by("community__name", "name")
    )
    out = []
    for r in rows:
        out.append(
            CompoundStanding(
                pk=r["pk"],
                name=r["name"],
                community=r["community__name"],
                category=r["category"],
                mode=r["management_mode"],
                households=r["households"],
                committee=committee_gap(
                    r["owners_committee__kind"],
                    r["owners_committee__term_end"],
                    r["pm_in_office"],
                    today,
                ),
                service="none" if r["management_mode"] == M.NONE else "",
                party=""
                if r["property_provider__party_coverage"] or r["owners_committee__party_coverage"]
                else "none",
            )
        )
    return out


def committee_gap(kind: str | None, term_end: date | None, pm_in_office: bool, today: date) -> str:
    """ "" when the compound has a committee in office, else why not."""
    if pm_in_office:
        return ""
    if kind == K.PROPERTY_MANAGEMENT_COMMITTEE:
        return ""
    if kind == K.OWNERS_COMMITTEE:
        return "" if term_end is None or term_end >= today else "term_ended"
    return "none"


@dataclass
class Rates:
    subdistrict: Area
    communities: list[Area]
    target: Fraction = TARGET

    @property
    def target_percent(self) -> str:
        return percent_text(self.target)


def three_rates(today: date | None = None) -> Rates:
    total = Area(None, "")
    communities: dict[str, Area] = {}
    for row in standing_rows(today):
        total.add(row)
        communities.setdefault(row.community, Area(len(communities), row.community)).add(row)
    return Rates(total, list(communities.values()))
