"""Matrix rows and budgets of the owners' vote kind (``vote``, ``deliberation/actions/
votes.py``).

Each state is a meeting of its own in 团结公寓, made through the services: a petition an
owner (neither jumin nor yeweihui) started, the same signed by 20 % of the owners (the
committee must convene; BJ reg. art. 35), ordered by the subdistrict (art. 36), a
committee proposal under review, reviewed, noticed, voting, tallied. The demo's own
meetings are left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from deliberation.models import Ballot, OwnersVote, PetitionSignature, User, Voter

from .. import budgets
from .. import surfaces_votes as sv
from ..surfaces import SUBDISTRICT
from . import KindBudget, Row, allowed_roles

S = OwnersVote.Status
OWNERS = allowed_roles("resident", "owners_committee")  # yeweihui is an owner there too
STAFF = allowed_roles("residents_committee", "owners_committee")
_n = count(1)


def _title(what: str) -> str:
    return f"matrix: {what} {next(_n)}"


def _an_owner(demo: Any) -> User:
    """An owner of 团结公寓 on the register who is none of the roles."""
    roles = {demo.user("jumin").pk, demo.user("yeweihui").pk}
    return next(u for u in sv.owners_of(demo.tuanjie, 10) if u.pk not in roles)


def petitioning(demo: Any) -> OwnersVote:
    from deliberation.services.votes import start_petition

    return start_petition(
        actor=_an_owner(demo),
        compound=demo.tuanjie,
        title=_title("临时会议请愿"),
        matters=sv._other_matters(),
    )


def convening(demo: Any) -> OwnersVote:
    """A petition signed on paper by owners until 20 % signed."""
    from deliberation.services.votes import record_paper_signature

    vote = petitioning(demo)
    juwei = demo.user("juwei")
    roles = (demo.user("jumin").pk, demo.user("yeweihui").pk)  # they may still sign
    while vote.status == S.PETITIONING:
        record_paper_signature(actor=juwei, vote=vote, key=sv.unsigned_head(vote, besides=roles))
        vote.refresh_from_db()
    assert vote.status == S.CONVENING
    return vote


def ordered(demo: Any) -> OwnersVote:
    from deliberation.services.votes import order_convening

    return order_convening(actor=demo.user("jiedao"), vote=convening(demo))


def in_review(demo: Any) -> OwnersVote:
    from deliberation.services.votes import propose_vote

    return propose_vote(
        actor=demo.user("yeweihui"),
        compound=demo.tuanjie,
        title=_title("业主大会"),
        matters=sv._other_matters(),
    )


def _review(demo: Any, vote: OwnersVote) -> OwnersVote:
    from deliberation.services.votes import review

    juwei = demo.user("juwei")
    return review(actor=juwei, vote=vote, observer=juwei)


def preparing(demo: Any) -> OwnersVote:
    return _review(demo, in_review(demo))


def convened_by_subdistrict(demo: Any) -> OwnersVote:
    """Ordered in vain; the subdistrict convened it (BJ reg. art. 36); under review."""
    from deliberation.services.votes import convene

    vote = convene(actor=demo.user("jiedao"), vote=ordered(demo))
    assert vote.convened_by_subdistrict
    return vote


def preparing_convened_by_subdistrict(demo: Any) -> OwnersVote:
    return _review(demo, convened_by_subdistrict(demo))


def referred_without_committee(demo: Any) -> OwnersVote:
    """Referred by 北里's residents' committee to the owners of 轻工宿舍 (no owners'
    committee, no 物管会), under review."""
    from deliberation.services.votes import propose_from_session

    return propose_from_session(
        actor=demo.user("juwei2"),
        compound=demo.qinggong,
        title=_title("无业委会小区的业主大会"),
        matters=sv._other_matters(),
        origin="matrix: 议事协商会决议",
    )


def preparing_without_committee(demo: Any) -> OwnersVote:
    from deliberation.services.votes import review

    juwei2 = demo.user("juwei2")
    return review(actor=juwei2, vote=referred_without_committee(demo), observer=juwei2)


def noticed(demo: Any) -> OwnersVote:
    """Noticed to every owner; its announced opening time has come."""
    from deliberation.services.votes import publish_notice

    now = timezone.now()
    vote = publish_notice(
        actor=demo.user("yeweihui"),
        vote=preparing(demo),
        opens_at=now + timedelta(days=16),
        closes_at=now + timedelta(days=30),
        place_and_method="matrix",
    )
    OwnersVote.objects.filter(pk=vote.pk).update(opens_at=now)  # as if 16 days later
    vote.refresh_from_db()
    return vote


def voting(demo: Any) -> OwnersVote:
    from deliberation.services.votes import open_voting

    vote = noticed(demo)
    assert open_voting(vote=vote)
    vote.refresh_from_db()
    return vote


def _then(build: Callable[[Any], OwnersVote], step: Callable[[Any, Any], Any], name: str) -> Any:
    def made(demo: Any) -> OwnersVote:
        vote = build(demo)
        step(demo, vote)
        vote.refresh_from_db()
        return vote

    made.__name__ = name
    return made


paper_waiting = _then(voting, sv._paper_entered, "voting, a paper ballot to confirm")
closing = _then(voting, sv._closing_time, "voting, closing time come")
undelivered = _then(voting, sv._undelivered, "voting, one owner's notice not delivered")


def tallied(demo: Any) -> OwnersVote:
    from deliberation.services.votes import close_voting, tally_vote

    vote = closing(demo)
    assert close_voting(vote=vote)
    vote.refresh_from_db()
    if vote.status == S.CLOSED:  # the flow counts at once; if not, count
        vote = tally_vote(vote=vote)
    assert vote.status == S.TALLIED
    return vote


def _status(vote: Any) -> str:
    return str(OwnersVote.objects.values_list("status", flat=True).get(pk=vote.pk))


def _signed(vote: Any) -> int:
    return PetitionSignature.objects.filter(vote_id=vote.pk).count()


def _ballots(vote: Any) -> int:
    return Ballot.objects.filter(matter__vote_id=vote.pk).count()


def _notice(demo: Any, vote: Any, user: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "notice-opens_at": (now + timedelta(days=16)).isoformat(),
        "notice-closes_at": (now + timedelta(days=30)).isoformat(),
        "notice-place_and_method": "matrix: 居委会会议室",
    }


def _noticed(vote: Any) -> bool:
    return _status(vote) == S.NOTICED


def _confirm(demo: Any, vote: Any, user: Any) -> dict[str, Any]:
    from deliberation.selectors.votes import pending_paper_ballots

    waiting = pending_paper_ballots(vote).first()
    return {"confirm-ballot": waiting.pk if waiting else "", "confirm-choice": "agree"}


def _cast(demo: Any, vote: Any, user: Any) -> dict[str, Any]:
    # the confirming button of the review step (docs/law.md §8)
    return {"cast-confirmed": "1", **{f"cast-choice_{m.pk}": "agree" for m in vote.matters.all()}}


ROWS: list[Row] = [
    Row(
        "vote.sign",
        OWNERS,
        available=petitioning,
        unavailable=convening,
        done=lambda v: _signed(v) > 1,
    ),
    Row(
        "vote.sign_for",
        STAFF,
        scenario="on a paper form",
        available=petitioning,
        unavailable=convening,
        data=lambda demo, v, user: {"sign_for-key": sv.unsigned_head(v), "sign_for-how": "paper"},
        done=lambda v: _signed(v) > 1,
    ),
    Row(
        "vote.sign_for",
        STAFF,
        scenario="by phone, with the call noted",
        available=petitioning,
        unavailable=convening,
        data=lambda demo, v, user: {
            "sign_for-key": sv.unsigned_head(v),
            "sign_for-how": "phone",
            "sign_for-call_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "sign_for-call_note": "业主本人来电 13800000000",
        },
        done=lambda v: v.signatures.filter(how="phone").exists(),
    ),
    # Not the subdistrict while the deadline runs and it has not ordered (BJ reg. art. 36) …
    Row(
        "vote.convene",
        allowed_roles("owners_committee"),
        scenario="the committee convenes",
        available=convening,
        unavailable=in_review,
        done=lambda v: _status(v) == S.REVIEW,
    ),
    # … once it ordered convening, it may convene itself.
    Row(
        "vote.convene",
        allowed_roles("owners_committee") | SUBDISTRICT,
        scenario="ordered by the subdistrict",
        available=ordered,
        unavailable=convened_by_subdistrict,
        done=lambda v: _status(v) == S.REVIEW,
    ),
    Row(
        "vote.order",
        SUBDISTRICT,
        available=convening,
        unavailable=ordered,
        done=lambda v: OwnersVote.objects.get(pk=v.pk).convening_ordered_at is not None,
    ),
    Row(
        "vote.review",
        allowed_roles("residents_committee"),
        available=in_review,
        unavailable=preparing,
        data=lambda demo, v, user: {"review-observer": demo.user("juwei").pk},
        done=lambda v: _status(v) == S.PREPARING,
    ),
    # Whoever convenes gives notice (BJ reg. art. 35): the owners' committee …
    Row(
        "vote.notice",
        allowed_roles("owners_committee"),
        scenario="the committee's meeting",
        available=preparing,
        unavailable=noticed,
        data=_notice,
        done=_noticed,
    ),
    # … the residents' committee where the subdistrict convened (art. 36) …
    Row(
        "vote.notice",
        allowed_roles("residents_committee"),
        scenario="convened by the subdistrict",
        available=preparing_convened_by_subdistrict,
        unavailable=convened_by_subdistrict,
        data=_notice,
        done=_noticed,
    ),
    # … or where the compound has no owners' committee or 物管会 at all.
    Row(
        "vote.notice",
        allowed_roles("residents_committee_other"),
        scenario="轻工宿舍, no owners' committee",
        available=preparing_without_committee,
        unavailable=referred_without_committee,
        data=_notice,
        done=_noticed,
    ),
    Row(
        "vote.delivered",
        STAFF,
        available=undelivered,
        unavailable=in_review,
        data=lambda demo, v, user: {"delivered-method": "paper"},
        done=lambda v: not Voter.objects.filter(vote_id=v.pk, delivered_at__isnull=True).exists(),
    ),
    Row(
        "vote.open",
        STAFF,
        available=noticed,
        unavailable=voting,
        done=lambda v: _status(v) == S.VOTING,
    ),
    Row(
        "vote.cast",
        OWNERS,
        available=voting,
        unavailable=noticed,
        data=_cast,
        done=lambda v: _ballots(v) > 0,
    ),
    Row(
        "vote.paper",
        STAFF,
        available=voting,
        unavailable=noticed,
        data=lambda demo, v, user: sv._paper(demo, v),
        done=lambda v: _ballots(v) > 0,
    ),
    Row(
        "vote.confirm",
        STAFF,
        available=paper_waiting,
        unavailable=voting,
        data=_confirm,
        done=lambda v: Ballot.objects.filter(matter__vote_id=v.pk, confirmed=True).exists(),
    ),
    Row(
        "vote.close",
        STAFF,
        available=closing,
        unavailable=voting,
        done=lambda v: _status(v) != S.VOTING,
    ),
    Row(
        "vote.publish",
        STAFF,
        available=tallied,
        unavailable=voting,
        done=lambda v: _status(v) == S.PUBLISHED,
    ),
]


# --- budgets ---------------------------------------------------------------------------------


def vote_tasks(demo: Any, n: int) -> None:
    """Meetings waiting for someone in 团结公寓: proposals for the residents' committee to
    review, petitions for the owners to sign."""
    yeweihui, compound = demo.user("yeweihui"), demo.tuanjie
    shapes = [(S.REVIEW, OwnersVote.Origin.COMMITTEE), (S.PETITIONING, OwnersVote.Origin.PETITION)]
    OwnersVote.objects.bulk_create(
        OwnersVote(
            compound=compound,
            title=f"预算{i}",
            origin=shapes[i % 2][1],
            status=shapes[i % 2][0],
            proposed_by=yeweihui,
        )
        for i in range(n)
    )


BUDGETS: dict[str, KindBudget] = {
    "vote": KindBudget(budgets._meeting, budgets.grow_ballots, vote_tasks),
}
