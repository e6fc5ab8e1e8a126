"""The statutory tally and the meeting/committee rules, at every boundary
(docs/law.md §§1–5)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.law import owners_votes as law
from deliberation.law.owners_votes import (
    Ballot,
    Choice,
    Counts,
    MatterKind,
    Outcome,
    Seat,
    Weight,
)

ORDINARY = MatterKind.MANAGER
SPECIAL = MatterKind.REBUILD
TOTAL = Weight(300, Decimal("3000.00"))


def counts(agree=(0, "0"), disagree=(0, "0"), abstain=(0, "0")) -> Counts:
    return Counts(
        Weight(agree[0], Decimal(agree[1])),
        Weight(disagree[0], Decimal(disagree[1])),
        Weight(abstain[0], Decimal(abstain[1])),
    )


def test_the_nine_kinds_and_the_three_quarter_matters() -> None:
    assert len(MatterKind) == 9
    assert {k.article_item for k in law.SUPERMAJORITY_KINDS} == {6, 7, 8}
    assert law.needs_supermajority("raise_fund") and not law.needs_supermajority("use_fund")


# --- quorum: ≥ 2/3 of heads AND ≥ 2/3 of area -----------------------------------------------


@pytest.mark.parametrize(
    ("heads", "area", "quorum"),
    [
        (200, "2000.00", True),  # exactly 2/3 of both
        (199, "2000.00", False),  # heads just under
        (200, "1999.99", False),  # area just under
        (300, "1999.99", False),  # all heads but not enough area
        (199, "3000.00", False),  # all area but not enough heads
        (201, "2000.01", True),
    ],
)
def test_quorum_boundary(heads, area, quorum) -> None:
    result = law.tally(ORDINARY, TOTAL, counts(agree=(heads, area)))
    assert result.quorum_met is quorum
    assert result.outcome == (Outcome.PASSED if quorum else Outcome.VOID_NO_QUORUM)


def test_quorum_with_a_total_not_divisible_by_three() -> None:
    total = Weight(10, Decimal("100.00"))
    # 2/3 of 10 heads is 6.67: 7 heads needed; 2/3 of 100 m² is 66.666…: 66.67 m² suffices.
    assert law.tally(ORDINARY, total, counts(agree=(7, "66.67"))).quorum_met
    assert not law.tally(ORDINARY, total, counts(agree=(6, "66.67"))).quorum_met
    assert not law.tally(ORDINARY, total, counts(agree=(7, "66.66"))).quorum_met


# --- threshold of the 3/4 matters: ≥ 3/4 of participating heads AND area ----------------------


@pytest.mark.parametrize(
    ("agree", "disagree", "outcome"),
    [
        ((150, "1500.00"), (50, "500.00"), Outcome.PASSED),  # exactly 3/4 of both
        ((149, "1500.00"), (51, "500.00"), Outcome.REJECTED),  # heads just under
        ((150, "1499.99"), (50, "500.01"), Outcome.REJECTED),  # area just under
    ],
)
def test_three_quarter_boundary(agree, disagree, outcome) -> None:
    result = law.tally(SPECIAL, TOTAL, counts(agree=agree, disagree=disagree))
    assert result.quorum_met
    assert result.outcome == outcome


def test_abstentions_count_as_participating_in_the_denominator() -> None:
    # 150 of 200 participating agree = 3/4; the 10 abstaining heads make it 150/200 still.
    result = law.tally(SPECIAL, TOTAL, counts(agree=(150, "1500"), abstain=(50, "500")))
    assert result.outcome == Outcome.PASSED
    result = law.tally(SPECIAL, TOTAL, counts(agree=(150, "1500"), abstain=(51, "500")))
    assert result.outcome == Outcome.REJECTED


# --- ordinary matters: > 1/2 of participating heads AND area ----------------------------------


@pytest.mark.parametrize(
    ("agree", "disagree", "outcome"),
    [
        ((100, "1000.00"), (100, "1000.00"), Outcome.REJECTED),  # exactly half: not 过半数
        ((101, "1000.01"), (99, "999.99"), Outcome.PASSED),  # just over on both
        ((101, "1000.00"), (99, "1000.00"), Outcome.REJECTED),  # heads over, area exactly half
        ((100, "1000.01"), (100, "999.99"), Outcome.REJECTED),  # area over, heads exactly half
    ],
)
def test_half_boundary(agree, disagree, outcome) -> None:
    result = law.tally(ORDINARY, TOTAL, counts(agree=agree, disagree=disagree))
    assert result.quorum_met
    assert result.outcome == outcome


def test_same_numbers_pass_an_ordinary_matter_and_fail_a_special_one() -> None:
    c = counts(agree=(140, "1400"), disagree=(60, "600"))  # 70 %
    assert law.tally(ORDINARY, TOTAL, c).outcome == Outcome.PASSED
    assert law.tally(SPECIAL, TOTAL, c).outcome == Outcome.REJECTED


def test_more_participants_than_owners_is_an_error() -> None:
    with pytest.raises(ValueError):
        law.tally(ORDINARY, TOTAL, counts(agree=(301, "1")))


def test_a_later_ballot_replaces_the_earlier_one() -> None:
    w = Weight(1, Decimal("50"))
    c = Counts.of([Ballot("a", w, Choice.DISAGREE), Ballot("a", w, Choice.AGREE)])
    assert c.agree == w and c.disagree == law.ZERO


# --- non-voters follow the majority: optional, beside the strict result ----------------------


def test_followers_tally_is_separate_and_does_not_change_the_strict_one() -> None:
    c = counts(agree=(120, "1200"), disagree=(30, "300"))  # only half took part
    strict = law.tally(ORDINARY, TOTAL, c)
    deemed = law.tally_with_followers(ORDINARY, TOTAL, c)
    assert strict.outcome == Outcome.VOID_NO_QUORUM and not strict.deemed
    assert deemed is not None and deemed.deemed and deemed.outcome == Outcome.PASSED
    assert deemed.counts.participating == TOTAL


def test_no_majority_to_follow_when_heads_and_area_disagree() -> None:
    c = counts(agree=(120, "1000"), disagree=(30, "1300"))
    assert law.tally_with_followers(ORDINARY, TOTAL, c) is None


# --- property-based invariants -----------------------------------------------------------------

areas = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)
voters = st.lists(
    st.tuples(st.integers(1, 3), areas, st.sampled_from(list(Choice))), min_size=0, max_size=40
)
kinds = st.sampled_from(list(MatterKind))


def _setup(rows, absent_heads, absent_area):
    ballots = [Ballot(i, Weight(h, a), c) for i, (h, a, c) in enumerate(rows)]
    cast = Counts.of(ballots).participating
    total = cast + Weight(absent_heads, absent_area)
    return ballots, total


@given(voters, st.integers(0, 30), areas, kinds, st.integers(1, 3), areas)
def test_adding_an_agree_ballot_never_turns_passed_into_rejected(
    rows, absent_heads, absent_area, kind, h, a
) -> None:
    ballots, total = _setup(rows, absent_heads + h, absent_area + a)
    before = law.tally(kind, total, Counts.of(ballots))
    after = law.tally(kind, total, Counts.of([*ballots, Ballot("new", Weight(h, a), Choice.AGREE)]))
    if before.outcome == Outcome.PASSED:
        assert after.outcome == Outcome.PASSED
    if before.quorum_met:
        assert after.quorum_met


@given(voters, st.integers(0, 30), areas, kinds, st.randoms(use_true_random=False))
def test_the_result_does_not_depend_on_ballot_order(
    rows, absent_heads, absent_area, kind, rnd
) -> None:
    ballots, total = _setup(rows, absent_heads, absent_area)
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    assert law.tally(kind, total, Counts.of(ballots)) == law.tally(kind, total, Counts.of(shuffled))


@given(voters, st.integers(0, 30), areas, kinds)
def test_heads_and_area_are_never_mixed_up(rows, absent_heads, absent_area, kind) -> None:
    """Scaling every area by 100 changes nothing; heads decide only the head tests."""
    ballots, total = _setup(rows, absent_heads, absent_area)
    base = law.tally(kind, total, Counts.of(ballots))
    scaled = [
        Ballot(b.voter, Weight(b.weight.heads, b.weight.area * 100), b.choice) for b in ballots
    ]
    scaled_total = Weight(total.heads, total.area * 100)
    other = law.tally(kind, scaled_total, Counts.of(scaled))
    assert (base.quorum_heads, base.quorum_area, base.agree_heads, base.agree_area) == (
        other.quorum_heads,
        other.quorum_area,
        other.agree_heads,
        other.agree_area,
    )
    # Heads results depend on heads only: give every ballot one more head-less area unit.
    widened = [
        Ballot(b.voter, Weight(b.weight.heads, b.weight.area + 1), b.choice) for b in ballots
    ]
    w_total = Weight(total.heads, total.area + len(ballots))
    w = law.tally(kind, w_total, Counts.of(widened))
    assert (w.quorum_heads, w.agree_heads) == (base.quorum_heads, base.agree_heads)


# --- petition, notice, publication (BJ reg. arts. 35, 37) --------------------------------------


@pytest.mark.parametrize(
    ("total", "needed"), [(48, 10), (45, 9), (46, 10), (5, 1), (1, 1), (100, 20), (101, 21)]
)
def test_petition_heads_needed(total, needed) -> None:
    assert law.petition_heads_needed(total) == needed
    assert law.petition_reached(needed, total)
    assert not law.petition_reached(needed - 1, total)


def test_notice_period_is_at_least_fifteen_days() -> None:
    noticed = datetime(2026, 3, 1, 9, 0)
    assert law.notice_period_ok(noticed, noticed + timedelta(days=15))
    assert not law.notice_period_ok(noticed, noticed + timedelta(days=15) - timedelta(seconds=1))
    assert law.earliest_opening(noticed) == datetime(2026, 3, 16, 9, 0)


def test_publication_within_three_days() -> None:
    assert law.publication_deadline(datetime(2026, 3, 30, 18, 0)) == datetime(2026, 4, 2, 18, 0)


# --- owners' committee (BJ reg. arts. 39–41, 49) -----------------------------------------------


@pytest.mark.parametrize(
    ("members", "alternates", "households", "problems"),
    [
        (5, 0, 500, []),
        (7, 7, 500, []),
        (7, 8, 500, ["alternates_exceed_members"]),
        (6, 0, 500, ["members_even"]),
        (3, 0, 500, ["members_too_few"]),
        (3, 1, 100, []),
        (3, 0, 101, ["members_too_few"]),
        (4, 0, 80, ["members_even", "members_too_few"]),
    ],
)
def test_owners_committee_size(members, alternates, households, problems) -> None:
    assert (
        law.owners_committee_size_problems(
            members=members, alternates=alternates, households=households
        )
        == problems
    )


def test_terms() -> None:
    start = date(2023, 6, 1)
    assert law.term_problems(start, date(2028, 6, 1), max_years=5) == []
    assert law.term_problems(start, date(2028, 6, 2), max_years=5) == ["term_too_long"]
    assert law.term_problems(start, date(2026, 6, 2), max_years=3) == ["term_too_long"]
    assert law.term_problems(start, start, max_years=3) == ["term_empty"]


def test_committee_deadlines() -> None:
    elected = date(2026, 1, 10)
    assert law.chair_deadline(elected) == date(2026, 1, 17)
    assert law.registration_deadline(elected) == date(2026, 2, 9)
    assert law.reelection_report_due(date(2028, 5, 31)) == date(2027, 11, 30)
    assert law.reelection_report_due(date(2026, 8, 31)) == date(2026, 2, 28)
    assert law.reelection_group_deadline(date(2027, 11, 30)) == date(2028, 1, 29)
    assert law.pm_committee_dissolution_deadline(date(2026, 1, 1)) == date(2026, 1, 31)


def test_reelection_group_composition() -> None:
    good = [Seat.OWNER] * 4 + [Seat.RESIDENTS_COMMITTEE, Seat.PARTY, Seat.SUBDISTRICT]
    assert law.reelection_group_problems(good) == []
    assert "size_even" in law.reelection_group_problems(good[:-1])
    lopsided = [Seat.OWNER] * 2 + [Seat.RESIDENTS_COMMITTEE, Seat.PARTY, Seat.SUBDISTRICT]
    assert law.reelection_group_problems(lopsided) == ["owner_share_below_half"]
    no_party = [Seat.OWNER] * 3 + [Seat.RESIDENTS_COMMITTEE, Seat.SUBDISTRICT]
    assert law.reelection_group_problems(no_party) == ["no_party"]


def test_candidate_eligibility() -> None:
    ok = law.Candidate(True, False, False, "owners")
    assert law.candidate_problems(ok) == []
    bad = law.Candidate(False, True, True, "developer")
    assert law.candidate_problems(bad) == [
        "nomination_source",
        "not_owner",
        "interest_in_property_firm",
        "judgment_defaulter",
    ]


def test_elected_candidates_ranked_by_heads_then_area() -> None:
    def t(agree_heads, area, outcome=Outcome.PASSED):
        base = law.tally(MatterKind.COMMITTEE, TOTAL, counts(agree=(200, "2000")))
        return replace(base, counts=counts(agree=(agree_heads, area)), outcome=outcome)

    results = [
        ("a", t(150, "1")),
        ("b", t(160, "1")),
        ("c", t(150, "2")),
        ("d", t(199, "1", Outcome.REJECTED)),
    ]
    members, alternates = law.elected_candidates(results, seats=2, alternates=1)
    assert members == ["b", "c"] and alternates == ["a"]


def test_pm_committee_composition() -> None:
    good = [Seat.OWNER] * 4 + [Seat.RESIDENTS_COMMITTEE, Seat.PARTY, Seat.SUBDISTRICT]
    assert law.pm_committee_problems(good, chair=Seat.RESIDENTS_COMMITTEE) == []
    assert law.pm_committee_problems(good, chair=Seat.OWNER) == ["chair_not_residents_committee"]
    five = [Seat.OWNER] * 3 + [Seat.RESIDENTS_COMMITTEE, Seat.PARTY]
    assert law.pm_committee_problems(five, chair=Seat.RESIDENTS_COMMITTEE) == ["pm_members_too_few"]
    three_owners = [Seat.OWNER] * 3 + [
        Seat.RESIDENTS_COMMITTEE,
        Seat.PARTY,
        Seat.SUBDISTRICT,
        Seat.OTHER,
    ]
    assert law.pm_committee_problems(three_owners, chair="residents_committee") == [
        "owner_share_below_half"
    ]
