"""Owners' votes: every step of a meeting, from the petition to the published results,
declared once.

Due times come from the law (docs/law.md §3): the committee convenes a petitioned meeting by
``convene_by`` (BJ reg. arts. 35–36), owners vote until ``closes_at``, the results are
posted by ``publish_by`` (art. 37). A deadline the clock found missed shows as an overdue
task of those who must act (the subdistrict may then convene, art. 36).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.live.refresh import refresh_tasks
from deliberation.live.topics import topic
from deliberation.models import Ballot, Organization, OwnersVote, PetitionSignature, User, Voter
from deliberation.policy.principal import COMMUNITY_KINDS, OWNER_BODY_KINDS, Principal
from deliberation.selectors.owner_register import head_key, owner_register
from deliberation.selectors.votes import matters_for_page, vote_organizations
from deliberation.services import votes as services
from deliberation.vote_forms import (
    BallotForm,
    ConfirmPaperForm,
    DeliveryForm,
    NoticeForm,
    PaperBallotForm,
    ReviewForm,
    SignatureForOwnerForm,
)

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

S = OwnersVote.Status
#: Where the staff (the committee, the residents' committee) have a next step.
STAFF_TASK_STATES = (S.CONVENING, S.REVIEW, S.PREPARING, S.TALLIED)


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _votes() -> Any:
    """Votes with what their steps' states need (no query in ``when``)."""
    return OwnersVote.objects.select_related(
        "compound__community", "proposed_by", "observer", "convened_by"
    ).annotate(
        pending_paper=Exists(
            Ballot.objects.filter(
                matter__vote=OuterRef("pk"), confirmed=False, channel=Ballot.Channel.PAPER
            )
        ),
        undelivered=Exists(Voter.objects.filter(vote=OuterRef("pk"), delivered_at__isnull=True)),
    )


def _load(pk: int) -> OwnersVote | None:
    return _votes().filter(pk=pk).first()


def _audience(vote: OwnersVote) -> Audience:
    return Audience(
        topics=(topic("vote", vote.pk, "public"),),
        organizations=tuple(vote_organizations(vote)),
    )


#: Organizations with steps of their own in an owners' vote.
VOTE_STAFF_KINDS = COMMUNITY_KINDS | OWNER_BODY_KINDS


def _candidates(p: Principal) -> Iterable[OwnersVote]:
    """Votes on which the person may hold a task: petitions to sign and ballots to cast in
    their compounds, the staff's next steps where they serve, the subdistrict's overdue
    conveners."""
    if not p.is_authenticated:
        return []
    uid = p.user_id
    mine = Q(pk__in=[])
    votes = _votes()
    if p.home_compounds:
        signed = PetitionSignature.objects.filter(vote=OuterRef("pk"), key=head_key(person_id=uid))
        voter = Voter.objects.filter(vote=OuterRef("pk"), person_id=uid)
        voted = Ballot.objects.filter(matter__vote=OuterRef("pk"), voter__person_id=uid)
        mine |= Q(status=S.PETITIONING, compound_id__in=list(p.home_compounds)) & ~Q(Exists(signed))
        mine |= Q(status=S.VOTING) & Q(Exists(voter)) & ~Q(Exists(voted))
        # what "sign" and "cast" ask of each candidate, answered in the same query
        votes = votes.annotate(
            loaded_for=Value(uid, output_field=IntegerField()),
            has_signed=Exists(signed),
            is_voter=Exists(voter),
        )
    # the committees' and owners' bodies' steps (the property firm has none in a vote)
    staff = [
        c
        for c, orgs in p.served_compounds.items()
        if any(p.org_kinds[o] in VOTE_STAFF_KINDS for o in orgs)
    ]
    if staff:
        mine |= Q(status__in=STAFF_TASK_STATES, compound_id__in=staff)
    subdistrict = p.orgs_of_kind(
        Organization.Kind.SUBDISTRICT_OFFICE, Organization.Kind.SUPERVISION_GROUP
    )
    if subdistrict:  # BJ reg. art. 36: a committee that missed its deadline
        mine |= Q(
            Q(convene_by__lte=timezone.now()) | Q(convening_ordered_at__isnull=False),
            status=S.CONVENING,
            compound__community__subdistrict_id__in=Organization.objects.filter(
                pk__in=list(subdistrict)
            ).values("subdistrict_id"),
        )
    return votes.filter(mine).order_by("id")[:500]


declare_kind(
    ObjectKind(
        name="vote",
        model=OwnersVote,
        label=pgettext_lazy("kind", "owners' vote"),
        load=_load,
        page_url=lambda v: reverse("vote-detail", args=[v.pk]),
        audience=_audience,
        task_candidates=_candidates,
        title=lambda v: f"{v.compound.name} · {v.title}",
    )
)


# --- petition and convening (BJ reg. arts. 35–36) ----------------------------------------------


def _loaded_for(user: Any, vote: OwnersVote) -> bool:
    """The task list loaded the vote for this person, with their answers (no query each)."""
    return getattr(vote, "loaded_for", None) == user.pk


def _has_signed(user: Any, vote: OwnersVote) -> bool:
    if _loaded_for(user, vote):
        return bool(vote.has_signed)  # type: ignore[attr-defined]
    return vote.signatures.filter(key=head_key(person_id=user.pk)).exists()


def _sign(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.sign_petition(actor=actor, vote=vote)
    return Outcome(_("You signed the petition “%(title)s”.") % {"title": vote.title})


def _sign_for(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    sig = services.record_signature_for(
        actor=actor,
        vote=vote,
        key=data["key"],
        how=data["how"],
        call_at=data["call_at"],
        call_note=data["call_note"],
    )
    told = (
        _("Signature of %(owner)s entered for them (%(how)s); they are told.")
        if sig.owner_told
        else _("Signature of %(owner)s entered for them (%(how)s).")
    )
    return Outcome(told % {"owner": sig.label, "how": sig.get_how_display()})


def _unsigned_heads(vote: OwnersVote, user: Any) -> dict[str, Any]:
    signed = set(vote.signatures.values_list("key", flat=True))
    heads = [h for h in owner_register(vote.compound).heads if h.key not in signed]
    return {"heads": heads}


def _order(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.order_convening(actor=actor, vote=vote)
    return Outcome(
        _("The owners' committee is ordered to convene “%(title)s”.") % {"title": vote.title}
    )


def _convene(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.convene(actor=actor, vote=vote)
    return Outcome(
        _("Meeting “%(title)s” convened: the residents' committee reviews it next.")
        % {"title": vote.title}
    )


# --- review and notice (BJ reg. art. 35) -------------------------------------------------------


def _review(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.review(actor=actor, vote=vote, observer=data["observer"])
    return Outcome(
        _("Review recorded; %(observer)s observes the meeting.") % {"observer": data["observer"]}
    )


def _notice(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    done = services.publish_notice(
        actor=actor,
        vote=vote,
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        place_and_method=data["place_and_method"],
    )
    return Outcome(
        _("Notice sent to every owner: voting runs from %(opens)s to %(closes)s.")
        % {"opens": _when(done.opens_at), "closes": _when(done.closes_at)}
    )


def _notice_kwargs(vote: OwnersVote, user: Any) -> dict[str, Any]:
    _days, period = services.notice_days()
    return {"earliest": timezone.now() + period}


def _delivered(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    waiting = list(vote.voters.filter(delivered_at__isnull=True).values_list("pk", flat=True))
    n = services.record_delivery(actor=actor, vote=vote, voter_ids=waiting, method=data["method"])
    return Outcome(_("Delivery recorded for %(n)s owners.") % {"n": n})


# --- the ballot box ---------------------------------------------------------------------------


def _open(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    if not services.open_voting(vote=vote):
        raise services.VoteConflict(_("Voting cannot open before the announced time."))
    return Outcome(_("Voting is open until %(time)s.") % {"time": _when(vote.closes_at)})


def _close(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    if not services.close_voting(vote=vote):
        raise services.VoteConflict(_("Voting closes at the announced time."))
    return Outcome(_("Voting closed; the ballots are being counted."))


def _is_voter(user: Any, vote: OwnersVote) -> bool:
    if _loaded_for(user, vote):
        return bool(vote.is_voter)  # type: ignore[attr-defined]
    return Voter.objects.filter(vote=vote, person_id=user.pk).exists()


def _ballot_kwargs(vote: OwnersVote, user: Any) -> dict[str, Any]:
    return {"matters": matters_for_page(vote, user.pk), "rule": vote.unanswered_rule}


def _paper_kwargs(vote: OwnersVote, user: Any) -> dict[str, Any]:
    return {"vote": vote, "matters": matters_for_page(vote, user.pk)}


def _cast(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    for matter, choice in data["choices"].items():
        services.cast_ballot(actor=actor, matter=matter, choice=choice)
    refresh_tasks(users=[actor.pk], actor=actor)  # their "cast your ballot" is done
    receipt = services.issue_receipt(
        actor=actor, vote=vote, answered=data["answered"], unanswered=data["unanswered"]
    )
    return Outcome(
        _(
            "Your ballot is saved. Your receipt code is %(code)s: keep it to check later that "
            "your ballot was counted. You can change it until voting closes at %(time)s."
        )
        % {"code": receipt.code, "time": _when(vote.closes_at)}
    )


def _paper(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.enter_paper_ballot(
        actor=actor, matter=data["matter"], voter=data["voter"], choice=data["choice"]
    )
    return Outcome(
        _("Paper ballot of %(owner)s entered; a second person must confirm it.")
        % {"owner": data["voter"].label}
    )


def _confirm(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    ballot = data["ballot"]
    if services.confirm_paper_ballot(actor=actor, ballot=ballot, choice=data["choice"]):
        return Outcome(
            _("Paper ballot of %(owner)s confirmed: it counts.") % {"owner": ballot.voter.label}
        )
    return Outcome(
        _("The entries for %(owner)s differ: the paper ballot must be entered again.")
        % {"owner": ballot.voter.label}
    )


def _vote_kwargs(vote: OwnersVote, user: Any) -> dict[str, Any]:
    return {"vote": vote}


def _publish(vote: OwnersVote, actor: User, data: dict[str, Any]) -> Outcome:
    services.publish_results(actor=actor, vote=vote)
    return Outcome(
        _("Results of “%(title)s” posted to the compound's notice board.") % {"title": vote.title}
    )


def _undelivered(vote: OwnersVote) -> bool:
    """Owners without an account still wait for the paper notice."""
    noticed = vote.noticed_at is not None and vote.status in (S.NOTICED, S.VOTING)
    return noticed and bool(getattr(vote, "undelivered", False))


def _time_came(value: Any) -> bool:
    return value is not None and value <= timezone.now()


for _action in (
    Action(
        kind="vote",
        name="sign",
        rule="vote.sign",
        label=pgettext_lazy("vote action", "Sign the petition"),
        help=gettext_lazy("20 % of the owners' signatures oblige the committee to convene."),
        run=_sign,
        when=lambda v: v.status == S.PETITIONING,
        also=lambda user, v: not _has_signed(user, v),
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Sign the petition"),
    ),
    Action(
        kind="vote",
        name="sign_for",
        rule="vote.record_paper",
        label=pgettext_lazy("vote action", "Enter a signature for an owner"),
        help=gettext_lazy(
            "The owner signed a paper form, or asked in person or by phone; the signatures "
            "list says who entered it for whom, and the owner is told."
        ),
        run=_sign_for,
        form=SignatureForOwnerForm,
        form_kwargs=_unsigned_heads,
        when=lambda v: v.status == S.PETITIONING,
    ),
    Action(
        kind="vote",
        name="convene",
        rule="vote.convene",
        label=pgettext_lazy("vote action", "Convene the temporary meeting"),
        help=gettext_lazy(
            "The petition reached 20 %: convene within the deadline (BJ reg. art. 35)."
        ),
        run=_convene,
        when=lambda v: v.status == S.CONVENING,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda v: v.convene_by,
        task_label=gettext_lazy("Convene the meeting"),
    ),
    Action(
        kind="vote",
        name="order",
        rule="vote.order",
        label=pgettext_lazy("vote action", "Order the committee to convene (BJ reg. art. 36)"),
        run=_order,
        when=lambda v: v.status == S.CONVENING and v.convening_ordered_at is None,
    ),
    Action(
        kind="vote",
        name="review",
        rule="vote.review",
        label=pgettext_lazy("vote action", "Record review"),
        help=gettext_lazy(
            "Take the meeting's report and name the residents' committee's observer."
        ),
        run=_review,
        form=ReviewForm,
        form_kwargs=_vote_kwargs,
        when=lambda v: v.status == S.REVIEW,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Review the meeting and name an observer"),
    ),
    Action(
        kind="vote",
        name="notice",
        rule="vote.notice",
        label=pgettext_lazy("vote action", "Publish the notice to every owner"),
        help=gettext_lazy("At least 15 days before voting opens (BJ reg. art. 35)."),
        run=_notice,
        form=NoticeForm,
        form_kwargs=_notice_kwargs,
        when=lambda v: v.status == S.PREPARING,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Give notice of the meeting"),
    ),
    Action(
        kind="vote",
        name="delivered",
        rule="vote.record_paper",
        label=pgettext_lazy("vote action", "Record delivery"),
        run=_delivered,
        form=DeliveryForm,
        when=_undelivered,
        order=2,
    ),
    Action(
        kind="vote",
        name="open",
        rule="vote.enter_paper",
        label=pgettext_lazy("vote action", "Open voting"),
        help=gettext_lazy("The announced time has come (the clock opens it too)."),
        run=_open,
        when=lambda v: v.status == S.NOTICED and _time_came(v.opens_at),
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="vote",
        name="cast",
        rule="vote.cast",
        label=pgettext_lazy("vote action", "Save my ballot"),
        help=gettext_lazy(
            "Your ballot is secret from other owners. You can change it until voting closes."
        ),
        run=_cast,
        form=BallotForm,
        form_kwargs=_ballot_kwargs,
        template="votes/_ballot_fields.html",
        when=lambda v: v.status == S.VOTING,
        also=_is_voter,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda v: v.closes_at,
        task_label=gettext_lazy("Cast your ballot"),
    ),
    Action(
        kind="vote",
        name="paper",
        rule="vote.enter_paper",
        label=pgettext_lazy("vote action", "Enter a paper ballot"),
        run=_paper,
        form=PaperBallotForm,
        form_kwargs=_paper_kwargs,
        when=lambda v: v.status == S.VOTING,
    ),
    Action(
        kind="vote",
        name="confirm",
        rule="vote.enter_paper",
        label=pgettext_lazy("vote action", "Confirm a paper ballot"),
        help=gettext_lazy(
            "Enter the choice from the paper again; the person who entered it may not."
        ),
        run=_confirm,
        form=ConfirmPaperForm,
        form_kwargs=_vote_kwargs,
        when=lambda v: v.status == S.VOTING and bool(getattr(v, "pending_paper", 0)),
        order=1,
    ),
    Action(
        kind="vote",
        name="close",
        rule="vote.enter_paper",
        label=pgettext_lazy("vote action", "Close voting"),
        help=gettext_lazy("The announced time has come (the clock closes it too)."),
        run=_close,
        when=lambda v: v.status == S.VOTING and _time_came(v.closes_at),
        weight=Weight.PRIMARY,
        order=1,
    ),
    Action(
        kind="vote",
        name="publish",
        rule="vote.publish",
        label=pgettext_lazy("vote action", "Publish the results"),
        help=gettext_lazy("Post the decisions to the compound within 3 days (BJ reg. art. 37)."),
        run=_publish,
        when=lambda v: v.status == S.TALLIED,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda v: v.publish_by,
        task_label=gettext_lazy("Publish the results"),
    ),
):
    declare(_action)
