"""Permission-matrix surfaces of the votes area: the real pages and the controls on them that
must agree with its policy rules (used by the rows in ``matrix.py``), and the meetings in
every state that the tests build through the services.

The steps themselves (sign, convene, cast, publish…) are declared in the action registry
and taken by every role, in the states where they are and are not possible, by
``test_action_matrix.py`` (rows in ``tests/hardening/actions/votes.py`` and
``committees.py``). The controls are checked here on the page where they appear: shown
exactly to the allowed roles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deliberation.forms import sign_register_rows
from deliberation.models import (
    Building,
    Candidate,
    CommitteeBody,
    CommitteeElection,
    Compound,
    OwnersVote,
    Unit,
    User,
    Voter,
)

from .surfaces import ROLES, Surface, denied_status

# --- votes in every state, made once per test through the services ---------------------------


def _other_matters() -> list[Any]:
    from deliberation.law.owners_votes import MatterKind
    from deliberation.services.votes import MatterSpec

    return [MatterSpec(MatterKind.OTHER, "matrix: 公共收益公示")]


def meeting(demo: Any) -> OwnersVote:
    """The demo's meeting in 团结公寓, open for voting."""
    from deliberation.demo.votes import MEETING_TITLE

    return OwnersVote.objects.get(compound=demo.tuanjie, title=MEETING_TITLE)


def petition(demo: Any) -> OwnersVote:
    """The demo's petition for a temporary meeting, one signature short of 20 %."""
    from deliberation.demo.votes import PETITION_TITLE

    return OwnersVote.objects.get(compound=demo.tuanjie, title=PETITION_TITLE)


def unsigned_head(vote: OwnersVote, *, besides: tuple[int, ...] = ()) -> str:
    """A register head of the vote's compound who has not signed (nor is one of ``besides``)."""
    from deliberation.selectors.owner_register import head_key, owner_register

    signed = set(vote.signatures.values_list("key", flat=True))
    skip = {head_key(person_id=pk) for pk in besides}
    return next(h.key for h in owner_register(vote.compound).heads if h.key not in signed | skip)


def convening(demo: Any) -> OwnersVote:
    """The demo petition after the signature that reaches 20 %: the committee must convene
    (BJ reg. art. 35); the deadline has not passed and nobody ordered it (art. 36)."""
    from deliberation.services.votes import record_paper_signature

    vote = petition(demo)
    if vote.status == OwnersVote.Status.PETITIONING:
        key = unsigned_head(vote, besides=(demo.user("jumin").pk, demo.user("yeweihui").pk))
        record_paper_signature(actor=demo.user("juwei"), vote=vote, key=key)
        vote.refresh_from_db()
    assert vote.status == OwnersVote.Status.CONVENING
    return vote


def ordered(demo: Any) -> OwnersVote:
    """The convening meeting after the subdistrict ordered the committee to convene: now the
    subdistrict may convene it too (BJ reg. art. 36)."""
    from deliberation.services.votes import order_convening

    vote = convening(demo)
    if vote.convening_ordered_at is None:
        vote = order_convening(actor=demo.user("jiedao"), vote=vote)
    return vote


def _proposed(demo: Any, title: str) -> OwnersVote:
    from deliberation.services.votes import propose_vote

    found = OwnersVote.objects.filter(compound=demo.tuanjie, title=title).first()
    if found is not None:
        return found
    return propose_vote(
        actor=demo.user("yeweihui"), compound=demo.tuanjie, title=title, matters=_other_matters()
    )


def in_review(demo: Any) -> OwnersVote:
    """A committee proposal waiting for the residents' committee's review."""
    vote = _proposed(demo, "matrix: 待审核的业主大会")
    assert vote.status == OwnersVote.Status.REVIEW
    return vote


def preparing(demo: Any) -> OwnersVote:
    """A reviewed proposal whose notice is still to be published."""
    from deliberation.services.votes import review

    vote = _proposed(demo, "matrix: 待通知的业主大会")
    if vote.status == OwnersVote.Status.REVIEW:
        juwei = demo.user("juwei")
        vote = review(actor=juwei, vote=vote, observer=juwei)
    assert vote.status == OwnersVote.Status.PREPARING
    return vote


def preparing_convened_by_subdistrict(demo: Any) -> OwnersVote:
    """The demo petition convened by the subdistrict after it ordered the committee in vain
    (BJ reg. art. 36), reviewed by the residents' committee; its notice still to come."""
    from deliberation.services.votes import convene, review

    vote = ordered(demo)
    if vote.status == OwnersVote.Status.CONVENING:
        vote = convene(actor=demo.user("jiedao"), vote=vote)
        juwei = demo.user("juwei")
        vote = review(actor=juwei, vote=vote, observer=juwei)
    assert vote.status == OwnersVote.Status.PREPARING and vote.convened_by_subdistrict
    return vote


def preparing_without_committee(demo: Any) -> OwnersVote:
    """A resolution that 北里's residents' committee referred to the owners of 轻工宿舍, a
    compound with no owners' committee or 物管会, reviewed; its notice still to come."""
    from deliberation.services.votes import propose_from_session, review

    title = "matrix: 无业委会小区的业主大会"
    qinggong = demo.compound("轻工宿舍")
    assert qinggong.owners_committee_id is None
    vote = OwnersVote.objects.filter(compound=qinggong, title=title).first()
    if vote is None:
        juwei2 = demo.user("juwei2")
        vote = propose_from_session(
            actor=juwei2,
            compound=qinggong,
            title=title,
            matters=_other_matters(),
            origin="matrix: 议事协商会决议",
        )
        vote = review(actor=juwei2, vote=vote, observer=juwei2)
    assert vote.status == OwnersVote.Status.PREPARING and not vote.convened_by_subdistrict
    return vote


def noticed(demo: Any) -> OwnersVote:
    """A reviewed proposal noticed to every owner whose announced opening time has come."""
    from deliberation.services.votes import publish_notice

    vote = preparing(demo)
    if vote.status == OwnersVote.Status.PREPARING:
        now = timezone.now()
        vote = publish_notice(
            actor=demo.user("yeweihui"),
            vote=vote,
            opens_at=now + timedelta(days=16),
            closes_at=now + timedelta(days=30),
            place_and_method="matrix",
        )
        OwnersVote.objects.filter(pk=vote.pk).update(opens_at=now)  # as if 16 days later
        vote.refresh_from_db()
    assert vote.status == OwnersVote.Status.NOTICED
    return vote


def tallied(demo: Any) -> OwnersVote:
    """The demo meeting closed at its announced time and counted, results not yet posted."""
    from deliberation.services.votes import close_voting, tally_vote

    vote = meeting(demo)
    if vote.status == OwnersVote.Status.VOTING:
        OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
        close_voting(vote=vote)
        vote.refresh_from_db()
    if vote.status == OwnersVote.Status.CLOSED:  # the flow counts at once; if not, count
        vote = tally_vote(vote=vote)
    assert vote.status == OwnersVote.Status.TALLIED
    return vote


def one_paper_ballot(vote: OwnersVote) -> str:
    """The printed ballot of one owner of the meeting (the whole register is slow to print)."""
    voter = Voter.objects.filter(vote=vote).order_by("pk").first()
    assert voter is not None
    return reverse("vote-ballots-pdf", args=[vote.pk]) + f"?voter={voter.pk}"


# --- the generic surfaces -----------------------------------------------------------------------


class _Rollback(Exception):
    pass


def rolled_back(fn: Callable[[], None]) -> None:
    """Run ``fn`` in a savepoint that is always rolled back (the next role finds the same)."""
    try:
        with transaction.atomic():
            fn()
            raise _Rollback
    except _Rollback:
        pass


Setup = Callable[[Any, Any], Any]  # (demo, obj) -> the state the action needs


def _same(demo: Any, obj: Any) -> Any:
    return obj


def _why(response: Any) -> str:
    """The error shown on a re-rendered page (to explain an unexpected 400/409)."""
    text = response.content.decode(errors="replace") if response.content else ""
    start = text.find('role="alert"')
    return text[start : start + 300] if start >= 0 else ""


def shown(
    name: str,
    url: Callable[[Any, Any], str],
    present: Callable[[Any, str], bool],
    *,
    setup: Setup = _same,
) -> Surface:
    """The control appears on the page exactly for the allowed roles (who can see the page
    at all is the ``*.view`` rows' business; an allowed role must see it)."""

    def check(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
        def look() -> None:
            state = setup(demo, obj)
            response = client.get(url(demo, state))
            if response.status_code != 200:
                assert not allowed, f"{role}: allowed, but the page is {response.status_code}"
                return
            assert present(state, response.content.decode()) is allowed, role

        rolled_back(look)

    check.__name__ = f"control {name}"
    return check


def _marker(text: str) -> Callable[[Any, str], bool]:
    return lambda state, html: text in html


def _action_url(action: str) -> Callable[[Any, str], bool]:
    return lambda vote, html: (
        f'action="{reverse("action", args=["vote", vote.pk, action])}"' in html
    )


def _vote_page(demo: Any, vote: Any) -> str:
    return reverse("vote-detail", args=[vote.pk])


# --- proposing and petitioning (the compound's vote list) --------------------------------------


def _list_page(demo: Any, compound: Any) -> str:
    return reverse("compound-votes", args=[compound.pk])


def _compound_form(action: str) -> Callable[[Any, str], bool]:
    return lambda c, html: f'id="compound-{action}-{c.pk}"' in html


propose_shown = shown("proposal form", _list_page, _compound_form("propose"))
petition_shown = shown("petition form", _list_page, _compound_form("petition"))


def refer_service(user: Any, compound: Any) -> Any:
    """The hook consultation sessions call to refer a resolution to the owners."""
    from deliberation.services.votes import propose_from_session

    return propose_from_session(
        actor=user,
        compound=compound,
        title="matrix: 协商会转交",
        matters=_other_matters(),
        origin="matrix",
    )


# --- petition, convening, review, notice (the vote's page and its actions) ---------------------


sign_shown = shown("sign", _vote_page, _action_url("sign"))
record_paper_shown = shown("enter a signature for an owner", _vote_page, _action_url("sign_for"))
convene_shown = shown("convene", _vote_page, _action_url("convene"))
order_shown = shown("order convening", _vote_page, _action_url("order"))
review_shown = shown("review", _vote_page, _action_url("review"))
notice_shown = shown("notice", _vote_page, _action_url("notice"))


# --- ballots and results -----------------------------------------------------------------------


def _first_matter(vote: Any) -> Any:
    return vote.matters.order_by("position").first()


cast_shown = shown("ballot form", _vote_page, _action_url("cast"))
enter_paper_shown = shown("paper ballot form", _vote_page, _action_url("paper"))


def _paper(demo: Any, vote: Any) -> dict[str, Any]:
    matter = _first_matter(vote)
    voter = Voter.objects.filter(vote=vote).exclude(ballots__matter=matter).order_by("pk").first()
    assert voter is not None
    return {"paper-matter": matter.pk, "paper-voter": voter.pk, "paper-choice": "agree"}


def _paper_entered(demo: Any, vote: Any) -> Any:
    """A paper ballot entered by someone who is none of the roles, so that every allowed role
    may be the second person who confirms it."""
    from deliberation.models import Ballot

    matter = _first_matter(vote)
    voter = Voter.objects.filter(vote=vote).exclude(ballots__matter=matter).order_by("pk").first()
    assert voter is not None
    Ballot.objects.create(
        matter=matter,
        voter=voter,
        choice="agree",
        channel=Ballot.Channel.PAPER,
        cast_by=User.objects.get(username="shuji"),
    )
    return vote


confirm_shown = shown(
    "paper ballot confirmation",
    _vote_page,
    _action_url("confirm"),
    setup=_paper_entered,
)


def _closing_time(demo: Any, vote: Any) -> Any:
    """The announced closing time has come (the clock has not run yet)."""
    OwnersVote.objects.filter(pk=vote.pk).update(closes_at=timezone.now())
    return vote


open_shown = shown("open voting", _vote_page, _action_url("open"))
close_shown = shown("close voting", _vote_page, _action_url("close"), setup=_closing_time)


def _undelivered(demo: Any, vote: Any) -> Any:
    """One owner of the meeting's register still waits for the notice on paper."""
    first = Voter.objects.filter(vote=vote).order_by("pk").values_list("pk", flat=True)[:1]
    Voter.objects.filter(pk__in=list(first)).update(delivered_at=None, delivery_method="")
    return vote


delivery_shown = shown("notice delivery", _vote_page, _action_url("delivered"), setup=_undelivered)
publish_shown = shown("publish", _vote_page, _action_url("publish"))


# --- the owner register import -----------------------------------------------------------------


def _register_page(demo: Any, compound: Any) -> str:
    return reverse("owner-register", args=[compound.pk])


def _import(demo: Any, compound: Any) -> str:
    return reverse("owner-register-import", args=[compound.pk])


import_shown = shown("register import form", _register_page, _marker('id="import-form"'))


def import_form(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """GET the import URL: to the register page (where the form is) or refused."""
    response = client.get(_import(demo, obj))
    expected = (302,) if allowed else denied_status(role)
    assert response.status_code in expected, (role, response.status_code)
    if allowed:
        assert response["Location"] == _register_page(demo, obj), response["Location"]


def import_upload(demo: Any, role: str, client: Client, obj: Any, allowed: bool) -> None:
    """Upload a file (preview, nothing stored), then confirm with the preview's signed rows
    (the ``compound.import_register`` action: stored); refused: 403 twice, even with rows
    signed for the person."""

    def attempt() -> None:
        building = Building.objects.filter(compound=obj).order_by("pk").first()
        assert building is not None
        unit = Unit.objects.filter(building=building).order_by("pk").first()
        assert unit is not None
        before = Unit.objects.get(pk=unit.pk).exclusive_area
        area = f"{before + 1:.2f}"
        upload = SimpleUploadedFile(
            "register.csv", f"{building.name},{unit.number},{area},survey,\n".encode()
        )
        response = client.post(_import(demo, obj), {"file": upload})
        expected = (200,) if allowed else denied_status(role)
        assert response.status_code in expected, (role, response.status_code, _why(response))
        assert Unit.objects.get(pk=unit.pk).exclusive_area == before, "a preview stored rows"
        if allowed:
            page = response.content.decode()
            found = re.search(r'name="import_register-rows" value="([^"]+)"', page)
            assert found, "the preview offers no confirm step"
            signed = found.group(1)
        else:
            rows = [{"line": 2, "building": building.name, "number": unit.number}]
            rows[0] |= {"area": area, "source": "survey", "owner": ""}
            person = demo.user(ROLES[role]) if ROLES[role] else AnonymousUser()
            signed = sign_register_rows(obj, person, rows)
        confirm = reverse("action", args=["compound", obj.pk, "import_register"])
        response = client.post(confirm, {"import_register-rows": signed})
        expected = (302,) if allowed else denied_status(role)
        assert response.status_code in expected, (role, response.status_code, _why(response))
        after = Unit.objects.get(pk=unit.pk).exclusive_area
        assert (after != before) is allowed, (role, before, after)

    rolled_back(attempt)


# --- owners' committees and 物管会 --------------------------------------------------------------


def _committee_page(demo: Any, compound: Any) -> str:
    return reverse("committee-page", args=[compound.pk])


def _committee_thing(compound: Compound, kind: str) -> tuple[str, int]:
    """The thing of the compound a committee step is taken on: the compound itself, its
    latest election, or its re-election record."""
    if kind == "election":
        election = CommitteeElection.objects.filter(compound=compound).order_by("-id").first()
        return kind, election.pk if election else 0
    if kind == "committee_body":
        body = CommitteeBody.objects.filter(compound=compound).order_by("-id").first()
        return kind, body.pk if body else 0
    return kind, compound.pk


def _committee_url(kind: str, action: str) -> Callable[[Any, str], bool]:
    return lambda compound, html: (
        f'action="{reverse("action", args=[*_committee_thing(compound, kind), action])}"' in html
    )


def owners_of(compound: Compound, n: int) -> list[User]:
    from deliberation.selectors.owner_register import owner_register

    ids = [h.person_id for h in owner_register(compound).heads if h.person_id][:n]
    people = User.objects.in_bulk(ids)
    return [people[pk] for pk in ids]  # in the register's order


def election(
    compound: Compound, status: str, *, chair: bool = False, elected: str = ""
) -> CommitteeElection:
    """A 3-seat election of the compound's committee with 3 owner candidates, in ``status``."""
    assert compound.owners_committee_id is not None
    people = owners_of(compound, 3)
    today = timezone.localdate()
    made = CommitteeElection.objects.create(
        compound=compound,
        committee_id=compound.owners_committee_id,
        seats=3,
        status=status,
        elected_on=today if elected else None,
        chair=people[0] if chair else None,
        chair_elected_on=today if chair else None,
    )
    Candidate.objects.bulk_create(
        Candidate(election=made, person=p, nominated_by="owners", elected=elected) for p in people
    )
    return made


def _nominating(demo: Any, compound: Any) -> Any:
    election(compound, CommitteeElection.Status.NOMINATING)
    return compound


def _elected(demo: Any, compound: Any) -> Any:
    election(compound, CommitteeElection.Status.ELECTED, elected="member")
    return compound


def _chaired(demo: Any, compound: Any) -> Any:
    election(compound, CommitteeElection.Status.ELECTED, elected="member", chair=True)
    return compound


def _reelection_due(demo: Any, compound: Any) -> Any:
    """The committee's term ends in a month (report overdue since 5 months, BJ reg. art. 49)
    and its re-election group record waits for the report."""
    committee = compound.owners_committee
    committee.term_end = timezone.localdate() + timedelta(days=30)
    committee.save(update_fields=["term_end"])
    CommitteeBody.objects.create(
        kind=CommitteeBody.Kind.REELECTION_GROUP,
        compound=compound,
        organization=committee,
        term_end=committee.term_end,
        report_due=timezone.localdate() - timedelta(days=1),
    )
    return Compound.objects.select_related("owners_committee").get(pk=compound.pk)


manage_shown = shown("election form", _committee_page, _committee_url("compound", "start_election"))
nominate_shown = shown(
    "nomination form",
    _committee_page,
    _committee_url("election", "nominate"),
    setup=_nominating,
)
chair_shown = shown(
    "chair form", _committee_page, _committee_url("election", "chair"), setup=_elected
)
register_shown = shown(
    "registration", _committee_page, _committee_url("election", "register"), setup=_chaired
)
report_shown = shown(
    "re-election report",
    _committee_page,
    _committee_url("committee_body", "report"),
    setup=_reelection_due,
)


def _preparatory_group(demo: Any, compound: Any) -> Any:
    """A preparatory group formed today for the compound's first owners' committee."""
    from deliberation.services.committee_bodies import future_committee

    today = timezone.localdate()
    CommitteeBody.objects.create(
        kind=CommitteeBody.Kind.PREPARATORY_GROUP,
        compound=compound,
        organization=future_committee(compound),
        applied_on=today,
        form_by=today + timedelta(days=30),
        formed_on=today,
        first_meeting_by=today + timedelta(days=60),
    )
    return compound


guidance_shown = shown(
    "guidance form",
    _committee_page,
    _committee_url("committee_body", "guidance"),
    setup=_preparatory_group,
)
application_shown = shown(
    "application for a first committee",
    _committee_page,
    _committee_url("compound", "receive_application"),
)
