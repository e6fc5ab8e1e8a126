"""Consultation sessions: every step, declared once.

Four kinds. The **session** carries the chair's and the secretary's steps, each available
only in its phase (open when the quorum of parties confirmed, a round while an item is
discussed, the vote's close once every present party voted, the end when nothing is
pending; nothing once it ended). Each party's **invitation** carries that party's steps:
accept or decline (a task for the invited organization, due when the session starts),
change its delegates, and — for its delegates — state a position in the open round and
vote on the resolution. The **minutes** are edited and published by the secretary (a
task). A **compound** is where a session is convened.

A step on one kind can change what another offers (a party confirming lets the chair open;
a round opening gives every delegate the position form), so runners also tell the room's
pages to fetch those controls again (``refresh_room``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.errors import InvalidInput
from deliberation.live.refresh import refresh_tasks
from deliberation.models import (
    AgendaItem,
    Issue,
    Question,
    Resolution,
    Round,
    Session,
)
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.sessions import (
    later_sessions,
    queued_questions,
    session_for_room,
    sessions_for_rules,
    waiting_issues,
)
from deliberation.services import sessions as services
from deliberation.session_forms import (
    AddItemForm,
    AttendanceForm,
    CountdownForm,
    DeferForm,
    ItemForm,
    ModerateForm,
    QuestionForm,
    ReorderForm,
    ResolutionForm,
)
from workflows import sessions as flow

from .meetings import refer_reserved
from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind
from .session_room import (
    S,
    agenda_of,
    all_voted,
    busy,
    current_open,
    invited_organizations,
    item_choices,
    party_label,
    quorum,
    refresh_room,
    refusals,
    room_topics,
    running,
    undecided,
)

# --- the session --------------------------------------------------------------------------


def _load_session(pk: int) -> Session | None:
    try:
        return session_for_room(pk, controls=True)
    except Http404:
        return None


def _session_candidates(p: Principal) -> Iterable[Session]:
    """Sessions the person chairs that wait to be opened."""
    if not p.is_superuser and not p.orgs_of_kind(*COMMUNITY_KINDS):
        return []  # chairs are the community's conveners (``session.convene``)
    return sessions_for_rules(
        Session.objects.filter(chair_id=p.user_id, status=S.CONVENED).order_by("starts_at")[:100]
    )


declare_kind(
    ObjectKind(
        name="session",
        model=Session,
        label=pgettext_lazy("kind", "consultation session"),
        load=_load_session,
        page_url=lambda s: reverse("session-room", args=[s.pk]),
        audience=lambda s: Audience(topics=room_topics(s.pk), users=(s.chair_id,)),
        task_candidates=_session_candidates,
        title=lambda s: s.title,
    )
)


def _item(session: Session, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("session").filter(session=session, pk=pk).first()
    if item is None:
        raise InvalidInput(_("Choose an item of this session's agenda."), fields={"item": []})
    return item


def _open_session(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.open_session(actor=actor, session=session)
    refresh_room(session, actor, session_too=False)
    refresh_tasks(organizations=invited_organizations(session), actor=actor)
    return Outcome(_("%(title)s is open: take up the first item.") % {"title": session.title})


def _open_item(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    item = _item(session, data["item"])
    services.open_item(actor=actor, item=item)
    return Outcome(
        _("Item %(order)s is under discussion: %(title)s.")
        % {
            "order": item.order,
            "title": item.title,
        }
    )


def _open_round(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    rnd = services.open_round(actor=actor, session=session)
    refresh_room(session, actor, session_too=False)
    return Outcome(_("Round %(n)s is open: the parties state their positions.") % {"n": rnd.number})


def _close_round(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    rnd = Round.objects.select_related("item__session").get(pk=session.open_round_pk)  # type: ignore[attr-defined]
    services.close_round(actor=actor, round=rnd)
    refresh_room(session, actor, session_too=False)
    return Outcome(_("Round %(n)s is closed.") % {"n": rnd.number})


def _propose(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    data = dict(data)
    reserved = data.pop("owners_matter", "")
    if reserved:  # Civil Code art. 278: the owners decide (docs/law.md §8)
        outcome = refer_reserved(session, actor, reserved)
        refresh_room(session, actor, session_too=False)
        return outcome
    with refusals():
        services.propose_resolution(actor=actor, session=session, **data)
    refresh_room(session, actor, session_too=False)
    return Outcome(
        _("Resolution put to the parties: %(party)s responsible, deadline %(date)s.")
        % {
            "party": party_label(data["responsible_party"]),
            "date": date_format(data["deadline"], "SHORT_DATE_FORMAT"),
        }
    )


def _decide(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    resolution = Resolution.objects.select_related("item__session").get(
        pk=session.voting_resolution_pk  # type: ignore[attr-defined]
    )
    decided = services.decide_resolution(actor=actor, resolution=resolution)
    refresh_room(session, actor, session_too=False)
    if decided.status == Resolution.Status.ADOPTED:
        return Outcome(
            _("Resolution adopted: a work order goes to %(party)s.")
            % {"party": party_label(decided.responsible_party)}
        )
    return Outcome(_("Resolution rejected under the session's adoption rule."))


def _countdown(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        services.start_countdown(actor=actor, session=session, **data)
    return Outcome(
        _("%(party)s has the floor for %(seconds)s seconds.")
        % {"party": party_label(data["party"]), "seconds": data["seconds"]}
    )


def _defer(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    item = _item(session, data["item"])
    target = None
    if data.get("to_session"):
        target = Session.objects.filter(pk=data["to_session"]).first()
    with refusals():
        services.defer_item(actor=actor, item=item, to_session=target)
    if target is not None:
        return Outcome(
            _("Item %(order)s deferred to %(title)s.")
            % {"order": item.order, "title": target.title}
        )
    return Outcome(_("Item %(order)s deferred to a later session.") % {"order": item.order})


def _refer(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    item = _item(session, data["item"])
    with refusals():
        services.refer_to_owners_vote(actor=actor, item=item)
    return Outcome(
        _("Item %(order)s referred to an owners' vote: the residents' committee reviews it.")
        % {"order": item.order}
    )


def _moderate(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    question = (
        Question.objects.select_related("session").filter(session=session, pk=data["question"])
    ).first()
    if question is None:
        raise InvalidInput(_("Choose a question of this session."), fields={"question": []})
    take_up = data["take_up"] == "yes"
    services.moderate_question(actor=actor, question=question, take_up=take_up)
    return Outcome(_("Question taken up.") if take_up else _("Question set aside."))


def _add_item(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    issues = list(Issue.objects.filter(pk__in=data["issues"]))
    with refusals():
        item = services.add_agenda_item(
            actor=actor,
            session=session,
            title=data["title"],
            description=data["description"],
            time_budget_minutes=data["time_budget_minutes"] or 20,
            issues=issues,
        )
    return Outcome(
        _("Item %(order)s added to the agenda: %(title)s.")
        % {
            "order": item.order,
            "title": item.title,
        }
    )


def _reorder(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    ids = [r.pk for r in agenda_of(session)]
    moved = data["item"]
    i = ids.index(moved)
    j = i - 1 if data["direction"] == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    with refusals():
        services.reorder_agenda(actor=actor, session=session, item_ids=ids)
    return Outcome(_("Agenda reordered."))


def _attendance(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    present = data["present"] == "yes"
    with refusals():
        services.set_attendance(actor=actor, session=session, party=data["party"], present=present)
    refresh_room(session, actor, session_too=False)
    if present:
        return Outcome(_("%(party)s recorded as present.") % {"party": party_label(data["party"])})
    return Outcome(_("%(party)s recorded as absent.") % {"party": party_label(data["party"])})


def _ask(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        services.submit_question(actor=actor, session=session, text=data["text"])
    return Outcome(_("Your question is in the chair's queue."))


def _end(session: Session, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.end_session(actor=actor, session=session)
    refresh_room(session, actor, session_too=False)
    refresh_tasks(organizations=(session.convening_organization_id,), actor=actor)
    return Outcome(
        _("%(title)s has ended; the minutes are drafted for the secretary to publish.")
        % {"title": session.title}
    )


def _items_kwargs(pending_only: bool = False) -> Callable[[Session, Any], dict[str, Any]]:
    def kwargs(session: Session, user: Any) -> dict[str, Any]:
        return {"choices": {"item": item_choices(session, pending_only=pending_only)}}

    return kwargs


def _open_item_kwargs(session: Session, user: Any) -> dict[str, Any]:
    rows = [(pk, t) for pk, t in item_choices(session) if pk != session.current_item_id]
    return {"choices": {"item": rows}}


def _defer_kwargs(session: Session, user: Any) -> dict[str, Any]:
    later = [("", _("a later session (to be set)"))] + [
        (s.pk, f"{s.title} · {date_format(timezone.localtime(s.starts_at), 'SHORT_DATE_FORMAT')}")
        for s in later_sessions(session)
    ]
    return {"choices": {"item": item_choices(session), "to_session": later}}


def _moderate_kwargs(session: Session, user: Any) -> dict[str, Any]:
    rows = [(q.pk, q.description[:80]) for q in queued_questions(session)]
    return {"choices": {"question": rows}}


def _add_item_kwargs(session: Session, user: Any) -> dict[str, Any]:
    rows = [(i.pk, f"#{i.pk} {i.description[:40]}") for i in waiting_issues(session)]
    return {"choices": {"issues": rows}}


def _is(status: str) -> Callable[[Session], bool]:
    return lambda s: s.status == status


def _session_action(name: str, label: Any, run: Any, **kwargs: Any) -> Action:
    return Action(kind="session", name=name, label=label, run=run, **kwargs)


CHAIR, MANAGE = "session.chair", "session.manage"

for _action in (
    _session_action(
        "open",
        pgettext_lazy("session action", "Open the session"),
        _open_session,
        rule=CHAIR,
        when=lambda s: s.status == S.CONVENED and quorum(s),
        help=gettext_lazy("The parties required to open have confirmed."),
        weight=Weight.PRIMARY,
        task=True,
        due=lambda s: s.starts_at,
        task_label=gettext_lazy("Open the session"),
    ),
    _session_action(
        "close_round",
        pgettext_lazy("session action", "Close the round"),
        _close_round,
        rule=CHAIR,
        when=lambda s: s.status == S.OPEN and bool(getattr(s, "open_round_pk", None)),
        weight=Weight.PRIMARY,
        order=1,
    ),
    _session_action(
        "decide",
        pgettext_lazy("session action", "Close the vote"),
        _decide,
        rule=CHAIR,
        when=lambda s: bool(getattr(s, "voting_resolution_pk", None)) and all_voted(s),
        help=gettext_lazy("Every present party has voted: the adoption rule decides."),
        weight=Weight.PRIMARY,
        order=2,
    ),
    _session_action(
        "open_round",
        pgettext_lazy("session action", "Open a round"),
        _open_round,
        rule=CHAIR,
        when=lambda s: (
            s.status == S.OPEN
            and current_open(s)
            and not busy(s)
            and not getattr(s, "current_settled", False)
        ),
        weight=Weight.PRIMARY,
        order=3,
    ),
    _session_action(
        "propose",
        pgettext_lazy("session action", "Put a resolution to the parties"),
        _propose,
        rule=CHAIR,
        form=ResolutionForm,
        when=lambda s: (
            s.status == S.OPEN
            and current_open(s)
            and not busy(s)
            and not getattr(s, "current_settled", False)
        ),
        weight=Weight.PRIMARY,
        order=4,
    ),
    _session_action(
        "open_item",
        pgettext_lazy("session action", "Open an agenda item"),
        _open_item,
        rule=CHAIR,
        form=ItemForm,
        form_kwargs=_open_item_kwargs,
        when=lambda s: (
            s.status == S.OPEN
            and not busy(s)
            and any(r.pk != s.current_item_id for r in undecided(s))
        ),
        weight=Weight.PRIMARY,
        order=5,
    ),
    _session_action(
        "countdown",
        pgettext_lazy("session action", "Give the floor"),
        _countdown,
        rule=CHAIR,
        form=CountdownForm,
        when=_is(S.OPEN),
    ),
    _session_action(
        "moderate",
        pgettext_lazy("session action", "Answer a resident's question"),
        _moderate,
        rule=CHAIR,
        form=ModerateForm,
        form_kwargs=_moderate_kwargs,
        when=lambda s: running(s) and bool(queued_questions(s)),
        order=1,
    ),
    _session_action(
        "defer",
        pgettext_lazy("session action", "Defer an item"),
        _defer,
        rule=CHAIR,
        form=DeferForm,
        form_kwargs=_defer_kwargs,
        when=lambda s: running(s) and not busy(s) and bool(undecided(s)),
        order=2,
    ),
    _session_action(
        "refer",
        pgettext_lazy("session action", "Refer an item to an owners' vote"),
        _refer,
        rule=CHAIR,
        form=ItemForm,
        form_kwargs=_items_kwargs(),
        when=lambda s: s.status == S.OPEN and not busy(s) and bool(undecided(s)),
        help=gettext_lazy("A matter reserved to the owners is not the session's to decide."),
        order=3,
    ),
    _session_action(
        "add_item",
        pgettext_lazy("session action", "Add to the agenda"),
        _add_item,
        rule=MANAGE,
        form=AddItemForm,
        form_kwargs=_add_item_kwargs,
        when=running,
        order=4,
    ),
    _session_action(
        "reorder",
        pgettext_lazy("session action", "Move an item"),
        _reorder,
        rule=MANAGE,
        form=ReorderForm,
        form_kwargs=_items_kwargs(pending_only=True),
        when=lambda s: (
            running(s)
            and sum(1 for r in agenda_of(s) if r.description == AgendaItem.Outcome.PENDING) > 1
        ),
        order=5,
    ),
    _session_action(
        "attendance",
        pgettext_lazy("session action", "Record attendance"),
        _attendance,
        rule=MANAGE,
        form=AttendanceForm,
        when=_is(S.OPEN),
        order=6,
    ),
    _session_action(
        "ask",
        pgettext_lazy("session action", "Send question"),
        _ask,
        rule="session.ask",
        form=QuestionForm,
        when=running,
        weight=Weight.PRIMARY,
        order=20,
    ),
    _session_action(
        "end",
        pgettext_lazy("session action", "End the session"),
        _end,
        rule=CHAIR,
        when=lambda s: s.status == S.OPEN and not busy(s),
        help=gettext_lazy(
            "Ending the session defers every item not yet decided to a later session, with "
            "the reason in the minutes. To choose otherwise, defer an item to a chosen "
            "session or refer it to an owners' vote first."
        ),
        confirm=gettext_lazy("End the session now? Undecided items are deferred."),
        weight=Weight.DANGER,
    ),
):
    declare(_action)
