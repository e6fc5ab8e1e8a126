"""The statutory rules of owners' joint decisions, in one module to read against
docs/law.md §§1–5.

Pure Python (no Django): the arithmetic of quorum and thresholds, petition and notice
periods, and the size/term/composition rules of owners' committees and property management
committees. Every rule cites its source:

- Civil Code (民法典) art. 278 — the matters owners decide and the two thresholds;
  art. 1259 — 「以上」 includes the boundary, 「过半数」 does not.
- SPC interpretation on building-unit ownership (2020 rev.) arts. 1, 2, 8, 9 — counting
  heads and area (applied in ``deliberation.selectors.owner_register``).
- Beijing Property Management Regulations ("BJ reg.") arts. 35–37 (meetings), 39–41, 49
  (owners' committee), 52–59 (property management committee).

Exact arithmetic only: heads are ``int``, areas ``Decimal``, ratios ``Fraction``. A float
never touches a boundary.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

# --- Matters (Civil Code art. 278) --------------------------------------------------------


class MatterKind(StrEnum):
    """The nine kinds of matters owners decide jointly (Civil Code art. 278 para. 1)."""

    MEETING_RULES = "meeting_rules"  # (1) 制定和修改业主大会议事规则
    COVENANT = "covenant"  # (2) 制定和修改管理规约
    COMMITTEE = "committee"  # (3) 选举业主委员会或者更换业主委员会成员
    MANAGER = "manager"  # (4) 选聘和解聘物业服务企业或者其他管理人
    USE_FUND = "use_fund"  # (5) 使用建筑物及其附属设施的维修资金
    RAISE_FUND = "raise_fund"  # (6) 筹集建筑物及其附属设施的维修资金
    REBUILD = "rebuild"  # (7) 改建、重建建筑物及其附属设施
    COMMON_PARTS = "common_parts"  # (8) 改变共有部分的用途或者利用共有部分从事经营活动
    OTHER = "other"  # (9) 有关共有和共同管理权利的其他重大事项

    @property
    def article_item(self) -> int:
        """The item number in art. 278 para. 1, for display ("art. 278 (7)")."""
        return list(MatterKind).index(self) + 1


#: Civil Code art. 278 para. 2: items (6), (7), (8) need three quarters of the participants.
SUPERMAJORITY_KINDS = frozenset(
    {MatterKind.RAISE_FUND, MatterKind.REBUILD, MatterKind.COMMON_PARTS}
)

#: Civil Code art. 278 para. 2: owners holding ≥ 2/3 of area AND ≥ 2/3 of heads take part.
QUORUM = Fraction(2, 3)
#: Civil Code art. 278 para. 2, items (6)–(8): ≥ 3/4 of participating area AND heads.
SUPERMAJORITY = Fraction(3, 4)
#: Civil Code art. 278 para. 2, other items: more than half (过半数, strictly >).
MAJORITY = Fraction(1, 2)


def needs_supermajority(kind: MatterKind | str) -> bool:
    return MatterKind(kind) in SUPERMAJORITY_KINDS


# --- Votes and weights --------------------------------------------------------------------


class Choice(StrEnum):
    AGREE = "agree"
    DISAGREE = "disagree"
    ABSTAIN = "abstain"


class Outcome(StrEnum):
    PASSED = "passed"
    REJECTED = "rejected"
    # docs/law.md §1: no second round with a lower quorum exists.
    VOID_NO_QUORUM = "void_no_quorum"


@dataclass(frozen=True, order=True)
class Weight:
    """Heads and exclusive area, always kept apart (SPC interp. arts. 8, 9)."""

    heads: int = 0
    area: Decimal = Decimal(0)

    def __add__(self, other: Weight) -> Weight:
        return Weight(self.heads + other.heads, self.area + other.area)

    def __sub__(self, other: Weight) -> Weight:
        return Weight(self.heads - other.heads, self.area - other.area)

    def share_of(self, total: Weight) -> tuple[Fraction, Fraction]:
        """(heads share, area share) of ``total`` as exact fractions (0 when total is 0)."""
        heads = Fraction(self.heads, total.heads) if total.heads else Fraction(0)
        area = Fraction(self.area) / Fraction(total.area) if total.area else Fraction(0)
        return heads, area


ZERO = Weight()


@dataclass(frozen=True)
class Ballot:
    """One voter's choice on one matter, carrying the voter's heads and area."""

    voter: object
    weight: Weight
    choice: Choice


def reaches(part: int | Decimal, whole: int | Decimal, ratio: Fraction) -> bool:
    """``part / whole >= ratio`` exactly (「以上」 includes the boundary, Civil Code art. 1259)."""
    if whole <= 0:
        return False
    return Fraction(part) * ratio.denominator >= Fraction(whole) * ratio.numerator


def exceeds(part: int | Decimal, whole: int | Decimal, ratio: Fraction) -> bool:
    """``part / whole > ratio`` exactly (「过半数」 excludes the boundary, art. 1259)."""
    if whole <= 0:
        return False
    return Fraction(part) * ratio.denominator > Fraction(whole) * ratio.numerator


@dataclass(frozen=True)
class Counts:
    """What a matter's ballots add up to, per choice."""

    agree: Weight = ZERO
    disagree: Weight = ZERO
    abstain: Weight = ZERO

    @property
    def participating(self) -> Weight:
        """Everyone who returned a ballot takes part, abstentions included."""
        return self.agree + self.disagree + self.abstain

    @classmethod
    def of(cls, ballots: Iterable[Ballot]) -> Counts:
        """Sum ballots by choice. A voter's later ballot replaces an earlier one."""
        last: dict[object, Ballot] = {}
        for ballot in ballots:
            last[ballot.voter] = ballot
        sums = {c: ZERO for c in Choice}
        for ballot in last.values():
            sums[ballot.choice] = sums[ballot.choice] + ballot.weight
        return cls(sums[Choice.AGREE], sums[Choice.DISAGREE], sums[Choice.ABSTAIN])


@dataclass(frozen=True)
class Tally:
    kind: MatterKind
    total: Weight
    counts: Counts
    quorum_heads: bool
    quorum_area: bool
    threshold: Fraction
    strict_threshold: bool  # True: "≥ threshold"; False: "> threshold"
    agree_heads: bool
    agree_area: bool
    outcome: Outcome
    deemed: bool = False  # computed with "non-voters follow the majority"
    notes: tuple[str, ...] = field(default=())

    @property
    def quorum_met(self) -> bool:
        return self.quorum_heads and self.quorum_area

    @property
    def turnout(self) -> tuple[Fraction, Fraction]:
        return self.counts.participating.share_of(self.total)


def tally(kind: MatterKind | str, total: Weight, counts: Counts) -> Tally:
    """The strict statutory tally of one matter (Civil Code art. 278 para. 2).

    1. Quorum: participants hold ≥ 2/3 of total area AND ≥ 2/3 of total heads, else void.
    2. Threshold, of the *participating* heads and area, both:
       ≥ 3/4 for items (6)–(8); > 1/2 for every other item.
    """
    kind = MatterKind(kind)
    part = counts.participating
    if part.heads > total.heads or part.area > total.area:
        raise ValueError("more participants than owners: the register and ballots disagree")
    q_heads = reaches(part.heads, total.heads, QUORUM)
    q_area = reaches(part.area, total.area, QUORUM)
    if needs_supermajority(kind):
        threshold, strict, test = SUPERMAJORITY, True, reaches
    else:
        threshold, strict, test = MAJORITY, False, exceeds
    a_heads = test(counts.agree.heads, part.heads, threshold)
    a_area = test(counts.agree.area, part.area, threshold)
    if not (q_heads and q_area):
        outcome = Outcome.VOID_NO_QUORUM
    elif a_heads and a_area:
        outcome = Outcome.PASSED
    else:
        outcome = Outcome.REJECTED
    return Tally(kind, total, counts, q_heads, q_area, threshold, strict, a_heads, a_area, outcome)


def tally_with_followers(kind: MatterKind | str, total: Weight, counts: Counts) -> Tally | None:
    """The tally if "non-voters are deemed to follow the majority" (docs/law.md §3, [P]).

    Valid only where the compound's meeting rules say so and delivery is proven; it is shown
    *beside* the strict tally, never instead. Our reading: the majority is the side (agree or
    disagree) ahead among the ballots cast in heads AND in area; non-voters' heads and area
    join that side and count as participating. If neither side leads in both, there is no
    majority to follow and ``None`` is returned.
    """
    absent = total - counts.participating
    agree, disagree = counts.agree, counts.disagree
    if agree.heads > disagree.heads and agree.area > disagree.area:
        deemed = Counts(agree + absent, disagree, counts.abstain)
    elif disagree.heads > agree.heads and disagree.area > agree.area:
        deemed = Counts(agree, disagree + absent, counts.abstain)
    else:
        return None
    return replace(tally(kind, total, deemed), deemed=True)


# --- Meetings (BJ reg. arts. 35–37) -------------------------------------------------------


#: BJ reg. art. 35: a temporary meeting is convened when ≥ 20 % of owners (heads) propose it.
class Unanswered(StrEnum):
    """How a matter left blank on a returned ballot counts: the meeting rules say
    (docs/law.md §8 [practice]); by default the owner does not take part on that matter."""

    NOT_TAKING_PART = "not_taking_part"
    ABSTAIN = "abstain"


DEFAULT_UNANSWERED = Unanswered.NOT_TAKING_PART


def with_unanswered(
    ballots: Iterable[Ballot], returned: Iterable[tuple[object, Weight]], rule: Unanswered | str
) -> list[Ballot]:
    """One matter's ballots, plus an abstention for every owner in ``returned`` (who
    returned a ballot on some matter of the meeting) but left this one blank — only where
    the rules count a blank as abstaining."""
    counted = list(ballots)
    if Unanswered(rule) != Unanswered.ABSTAIN:
        return counted
    answered = {b.voter for b in counted}
    return counted + [
        Ballot(voter, weight, Choice.ABSTAIN) for voter, weight in returned if voter not in answered
    ]


PETITION_SHARE = Fraction(1, 5)
#: BJ reg. art. 35: notice to every owner at least 15 days before the meeting.
NOTICE_DAYS = 15
#: BJ reg. art. 37: decisions posted within 3 days.
PUBLICATION_DAYS = 3
#: BJ reg. art. 36 [P]: days the committee has to convene before the subdistrict may order it.
CONVENE_DAYS = 30


def petition_heads_needed(total_heads: int) -> int:
    """The smallest head count that is ≥ 20 % of owners (BJ reg. art. 35)."""
    return -(-total_heads * PETITION_SHARE.numerator // PETITION_SHARE.denominator)


def petition_reached(signed_heads: int, total_heads: int) -> bool:
    """BJ reg. art. 35: 「百分之二十以上」 — the boundary counts (Civil Code art. 1259)."""
    return reaches(signed_heads, total_heads, PETITION_SHARE)


def earliest_opening(noticed_at: datetime, *, notice_days: int = NOTICE_DAYS) -> datetime:
    """BJ reg. art. 35: voting may open no sooner than 15 days after the notice."""
    return noticed_at + timedelta(days=notice_days)


def notice_period_ok(
    noticed_at: datetime, opens_at: datetime, *, notice_days: int = NOTICE_DAYS
) -> bool:
    return opens_at >= earliest_opening(noticed_at, notice_days=notice_days)


def publication_deadline(closed_at: datetime) -> datetime:
    """BJ reg. art. 37: post the decisions within 3 days of the vote."""
    return closed_at + timedelta(days=PUBLICATION_DAYS)


def convene_deadline(reached_at: datetime) -> datetime:
    """BJ reg. arts. 35–36 [P]: the committee must convene; after this the subdistrict may."""
    return reached_at + timedelta(days=CONVENE_DAYS)


# --- Owners' committee (BJ reg. arts. 39–41, 49) ------------------------------------------

#: BJ reg. art. 41: term at most 5 years.
OWNERS_COMMITTEE_MAX_TERM_YEARS = 5
#: BJ reg. art. 41 (docs/law.md §4): chair elected within 7 days, registration within 30 days.
CHAIR_DAYS = 7
REGISTRATION_DAYS = 30
#: BJ reg. art. 49: report 6 months before the term ends; re-election group within 60 days.
REELECTION_REPORT_MONTHS = 6
REELECTION_GROUP_DAYS = 60
#: BJ reg. art. 41: 3 members are allowed in compounds of at most 100 households.
SMALL_COMPOUND_HOUSEHOLDS = 100


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's last day (31 Aug − 6 months = 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def owners_committee_size_problems(*, members: int, alternates: int, households: int) -> list[str]:
    """BJ reg. art. 41: ≥ 5 members and odd (3 where ≤ 100 households); alternates ≤ members."""
    problems = []
    small = households <= SMALL_COMPOUND_HOUSEHOLDS
    if members % 2 == 0:
        problems.append("members_even")
    if members < 5 and not (small and members == 3):
        problems.append("members_too_few")
    if alternates > members:
        problems.append("alternates_exceed_members")
    return problems


def term_problems(start: date, end: date, *, max_years: int) -> list[str]:
    """BJ reg. art. 41 (owners' committee, 5 years); art. 56 (物管会, 3 years).
    docs/law.md §§4–5."""
    if end <= start:
        return ["term_empty"]
    if end > add_years(start, max_years):
        return ["term_too_long"]
    return []


def chair_deadline(elected_on: date) -> date:
    return elected_on + timedelta(days=CHAIR_DAYS)


def registration_deadline(elected_on: date) -> date:
    return elected_on + timedelta(days=REGISTRATION_DAYS)


def reelection_report_due(term_end: date) -> date:
    """BJ reg. art. 49: the committee reports to the subdistrict 6 months before term end."""
    return add_months(term_end, -REELECTION_REPORT_MONTHS)


def reelection_group_deadline(reported_on: date) -> date:
    """BJ reg. art. 49: the subdistrict forms the re-election group within 60 days."""
    return reported_on + timedelta(days=REELECTION_GROUP_DAYS)


class Seat(StrEnum):
    """Who a member of a preparatory / re-election group or a 物管会 represents."""

    OWNER = "owner"
    RESIDENTS_COMMITTEE = "residents_committee"
    PARTY = "party"
    SUBDISTRICT = "subdistrict"
    DEVELOPER = "developer"
    PROPERTY_RIGHTS_UNIT = "property_rights_unit"
    PROPERTY_FIRM = "property_firm"
    OTHER = "other"


def _owner_share_problems(seats: list[Seat]) -> list[str]:
    problems = []
    if len(seats) % 2 == 0:
        problems.append("size_even")
    owners = sum(1 for s in seats if s == Seat.OWNER)
    if not reaches(owners, len(seats), Fraction(1, 2)):
        problems.append("owner_share_below_half")
    return problems


def reelection_group_problems(seats: Iterable[Seat | str]) -> list[str]:
    """BJ reg. arts. 30, 49: composed like a preparatory group — odd size, owner
    representatives ≥ 1/2, and the residents' committee, the community Party organization
    and the subdistrict represented."""
    seated = [Seat(s) for s in seats]
    problems = _owner_share_problems(seated)
    for required, code in (
        (Seat.RESIDENTS_COMMITTEE, "no_residents_committee"),
        (Seat.PARTY, "no_party"),
        (Seat.SUBDISTRICT, "no_subdistrict"),
    ):
        if required not in seated:
            problems.append(code)
    return problems


#: BJ reg. art. 30 (docs/law.md §4): the subdistrict forms the preparatory group within 30
#: days of the application; the group posts its list within 7 days and holds the first
#: owners' meeting within 60 days of forming.
PREPARATORY_FORM_DAYS = 30
PREPARATORY_LIST_DAYS = 7
PREPARATORY_FIRST_MEETING_DAYS = 60


def preparatory_group_deadline(applied_on: date) -> date:
    return applied_on + timedelta(days=PREPARATORY_FORM_DAYS)


def first_meeting_deadline(formed_on: date) -> date:
    return formed_on + timedelta(days=PREPARATORY_FIRST_MEETING_DAYS)


def preparatory_group_problems(
    seats: Iterable[Seat | str], *, chair: Seat | str | None
) -> list[str]:
    """BJ reg. art. 30: composed as ``reelection_group_problems`` says, and led by a member
    of the residents' committee's staff."""
    problems = reelection_group_problems(seats)
    if chair is None or Seat(chair) != Seat.RESIDENTS_COMMITTEE:
        problems.append("leader_not_residents_committee")
    return problems


@dataclass(frozen=True)
class Candidate:
    """BJ reg. arts. 39–40: who may stand for the owners' committee."""

    is_owner: bool  # or the delegate of a corporate owner
    interest_in_property_firm: bool
    judgment_defaulter: bool
    nominated_by: str  # "party", "residents_committee" or "owners"


NOMINATION_SOURCES = ("party", "residents_committee", "owners")


def candidate_problems(candidate: Candidate) -> list[str]:
    problems = []
    if candidate.nominated_by not in NOMINATION_SOURCES:
        problems.append("nomination_source")
    if not candidate.is_owner:
        problems.append("not_owner")
    if candidate.interest_in_property_firm:
        problems.append("interest_in_property_firm")
    if candidate.judgment_defaulter:
        problems.append("judgment_defaulter")
    return problems


def elected_candidates(
    results: Iterable[tuple[object, Tally]], *, seats: int, alternates: int = 0
) -> tuple[list[object], list[object]]:
    """Members and alternates from per-candidate tallies (each candidate is a matter of kind
    (3)): passed candidates ranked by agreeing heads, then agreeing area [P]."""
    passed = [(c, t) for c, t in results if t.outcome == Outcome.PASSED]
    passed.sort(key=lambda ct: (ct[1].counts.agree.heads, ct[1].counts.agree.area), reverse=True)
    ranked = [c for c, _ in passed]
    return ranked[:seats], ranked[seats : seats + alternates]


# --- Property management committee 物管会 (BJ reg. arts. 52–59) ---------------------------

PM_COMMITTEE_MIN_MEMBERS = 7
PM_COMMITTEE_MAX_TERM_YEARS = 3
PM_COMMITTEE_DISSOLVE_DAYS = 30


def pm_committee_problems(seats: Iterable[Seat | str], *, chair: Seat | str | None) -> list[str]:
    """BJ reg. arts. 52–59: ≥ 7 members, odd, owner representatives ≥ 1/2, chaired by the
    residents' committee's representative."""
    seated = [Seat(s) for s in seats]
    problems = _owner_share_problems(seated)
    if len(seated) < PM_COMMITTEE_MIN_MEMBERS:
        problems.append("pm_members_too_few")
    if chair is None or Seat(chair) != Seat.RESIDENTS_COMMITTEE:
        problems.append("chair_not_residents_committee")
    return problems


def pm_committee_dissolution_deadline(owners_committee_registered_on: date) -> date:
    """BJ reg. art. 59 (docs/law.md §5): dissolved within 30 days of an owners' committee
    registering."""
    return owners_committee_registered_on + timedelta(days=PM_COMMITTEE_DISSOLVE_DAYS)
