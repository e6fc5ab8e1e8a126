"""Each party's invitation to a session: accept or decline (a task for the invited
organization, due when the session starts), its delegates, and its delegates' position
and vote; and convening a session on a compound, which sends the five invitations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.live.refresh import refresh_controls, refresh_tasks
from deliberation.models import (
    Compound,
    Invitation,
    Organization,
    Session,
    User,
)
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.sessions import (
    delegate_choices,
    issues_awaiting_session,
    session_for_room,
)
from deliberation.services import sessions as services
from deliberation.session_forms import (
    ConveneStepForm,
    DelegatesForm,
    PositionForm,
    VoteForm,
)
from workflows import sessions as flow

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind
from .session_room import (
    S,
    invited_organizations,
    party_label,
    refresh_room,
    refusals,
    room_topics,
    when_text,
)

# --- each party's invitation ----------------------------------------------------------------


def _load_invitation(pk: int) -> Invitation | None:
    session_id = Invitation.objects.filter(pk=pk).values_list("session_id", flat=True).first()
    if session_id is None:
        return None
    session = session_for_room(session_id)
    found = next((i for i in session.invitations.all() if i.pk == pk), None)
    if found is not None:
        found.session = session  # shares the loaded session and its cached policy access
    return found


def _invitation_candidates(p: Principal) -> Iterable[Invitation]:
    """Invitations waiting for a reply from one of the person's organizations."""
    if not p.org_kinds:
        return []
    return (
        Invitation.objects.filter(
            organization_id__in=list(p.org_kinds),
            reply=Invitation.Reply.PENDING,
            session__status=S.CONVENED,
        )
        .select_related("session", "organization")
        .order_by("session__starts_at", "id")[:200]
    )


def _invitation_title(inv: Invitation) -> str:
    return _("%(title)s · %(party)s · %(time)s") % {
        "title": inv.session.title,
        "party": party_label(inv.party),
        "time": when_text(inv.session.starts_at),
    }


declare_kind(
    ObjectKind(
        name="invitation",
        model=Invitation,
        label=pgettext_lazy("kind", "invitation"),
        load=_load_invitation,
        page_url=lambda i: reverse("session-room", args=[i.session_id]),
        audience=lambda i: Audience(
            topics=room_topics(i.session_id),
            organizations=tuple(o for o in (i.organization_id,) if o),
        ),
        task_candidates=_invitation_candidates,
        title=_invitation_title,
    )
)


def _speaker(inv: Invitation) -> tuple[Session, str]:
    return (inv.session, inv.party)


def _present(inv: Invitation) -> bool:
    return inv.party in (getattr(inv.session, "present_party_list", None) or [])


def _names(inv: Invitation) -> str:
    return "、".join(str(u) for u in inv.delegates.all())


def _accept(inv: Invitation, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        flow.reply(actor=actor, invitation=inv, attending=True)
    refresh_room(inv.session, actor)
    refresh_tasks(users=(inv.session.chair_id,), actor=actor)
    fresh = Invitation.objects.prefetch_related("delegates").get(pk=inv.pk)
    return Outcome(
        _("%(party)s will attend %(title)s on %(time)s; delegates: %(names)s.")
        % {
            "party": party_label(inv.party),
            "title": inv.session.title,
            "time": when_text(inv.session.starts_at),
            "names": _names(fresh),
        }
    )


def _decline(inv: Invitation, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        flow.reply(actor=actor, invitation=inv, attending=False)
    refresh_room(inv.session, actor)
    return Outcome(
        _("%(party)s declined %(title)s.")
        % {"party": party_label(inv.party), "title": inv.session.title}
    )


def _delegates(inv: Invitation, actor: Any, data: dict[str, Any]) -> Outcome:
    users = list(User.objects.filter(pk__in=data["delegates"]))
    with refusals():
        services.name_delegates(actor=actor, invitation=inv, delegates=users)
    refresh_room(inv.session, actor)
    return Outcome(
        _("%(party)s is represented by %(names)s.")
        % {"party": party_label(inv.party), "names": "、".join(str(u) for u in users)}
    )


def _ids(inv: Invitation, user: Any) -> dict[str, Any]:
    """Field ids per invitation: a page may show the same step for two parties."""
    return {"auto_id": f"id_inv{inv.pk}_%s"}


def _delegates_kwargs(inv: Invitation, user: Any) -> dict[str, Any]:
    people = delegate_choices(inv.session, [inv]).get(inv.party, [])
    return {
        **_ids(inv, user),
        "choices": {"delegates": [(u.pk, str(u)) for u in people]},
        "chosen": [u.pk for u in inv.delegates.all()],
    }


def _speak(inv: Invitation, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        services.state_position(
            actor=actor,
            session=inv.session,
            party=inv.party,
            stance=data["stance"],
            statement=data["statement"],
        )
    refresh_controls(kind="session", pk=inv.session_id, topics=room_topics(inv.session_id))
    return Outcome(
        _("Position of %(party)s recorded; you may amend it until the round closes.")
        % {"party": party_label(inv.party)}
    )


def _vote(inv: Invitation, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        services.vote_on_resolution(
            actor=actor,
            session=inv.session,
            party=inv.party,
            choice=data["choice"],
            reason=data["reason"],
        )
    refresh_controls(kind="session", pk=inv.session_id, topics=room_topics(inv.session_id))
    return Outcome(
        _("Vote of %(party)s recorded; you may change it until the chair closes the vote.")
        % {"party": party_label(inv.party)}
    )


for _action in (
    Action(
        kind="invitation",
        name="speak",
        rule="session.speak",
        policy_object=_speaker,
        label=pgettext_lazy("session action", "State position"),
        run=_speak,
        form=PositionForm,
        form_kwargs=_ids,
        when=lambda i: (
            i.session.status == S.OPEN
            and bool(getattr(i.session, "open_round_pk", None))
            and _present(i)
        ),
        weight=Weight.PRIMARY,
    ),
    Action(
        kind="invitation",
        name="vote",
        rule="session.speak",
        policy_object=_speaker,
        label=pgettext_lazy("session action", "Cast vote"),
        run=_vote,
        form=VoteForm,
        form_kwargs=_ids,
        when=lambda i: bool(getattr(i.session, "voting_resolution_pk", None)) and _present(i),
        weight=Weight.PRIMARY,
        order=1,
    ),
    Action(
        kind="invitation",
        name="accept",
        rule="session.reply",
        label=pgettext_lazy("session action", "Accept"),
        help=gettext_lazy(
            "You attend for your organization; change its delegates afterwards if someone "
            "else goes."
        ),
        run=_accept,
        when=lambda i: i.session.status == S.CONVENED and i.reply != Invitation.Reply.CONFIRMED,
        weight=Weight.PRIMARY,
        order=2,
        task=True,
        due=lambda i: i.session.starts_at,
        task_label=gettext_lazy("Reply to the invitation"),
    ),
    Action(
        kind="invitation",
        name="delegates",
        rule="session.reply",
        label=pgettext_lazy("session action", "Change the delegates"),
        run=_delegates,
        form=DelegatesForm,
        form_kwargs=_delegates_kwargs,
        # while the parties prepare; once the session is open, the secretary records who
        # is present (``session.attendance``)
        when=lambda i: i.session.status == S.CONVENED,
    ),
    Action(
        kind="invitation",
        name="decline",
        rule="session.reply",
        label=pgettext_lazy("session action", "Decline"),
        run=_decline,
        when=lambda i: i.session.status == S.CONVENED and i.reply != Invitation.Reply.DECLINED,
        weight=Weight.DANGER,
    ),
):
    declare(_action)


# --- convening, on a compound ---------------------------------------------------------------


def _convene_kwargs(compound: Compound, user: Any) -> dict[str, Any]:
    organizations = list(
        Organization.objects.filter(
            memberships__user=user,
            memberships__active=True,
            kind__in=list(COMMUNITY_KINDS),
            community_id=compound.community_id,
        ).distinct()
    )
    return {
        "compounds": [compound],
        "organizations": organizations,
        "waiting": issues_awaiting_session(None, [compound]),
        "initial": {"adoption_rule": Session.AdoptionRule.NO_OBJECTION, "compound": compound.pk},
    }


def _convene(compound: Compound, actor: Any, data: dict[str, Any]) -> Outcome:
    agenda: list[dict[str, object]] = [
        {"title": line.strip()} for line in data["agenda"].splitlines() if line.strip()
    ]
    agenda += [
        # A topic is one line; a description may have several.
        {"title": " ".join(issue.description.split())[:60], "issues": [issue]}
        for issue in data.get("issues") or []
    ]
    with refusals():
        session = flow.start(
            convener=actor,
            organization=data["organization"],
            compounds=[compound],
            title=data["title"],
            starts_at=data["starts_at"],
            place=data["place"],
            online_link=data["online_link"],
            agenda=agenda,
            adoption_rule=data["adoption_rule"],
        )
    refresh_tasks(organizations=invited_organizations(session), actor=actor)
    return Outcome(
        _("%(title)s convened for %(time)s: the five parties are invited to reply.")
        % {"title": session.title, "time": when_text(session.starts_at)},
        redirect=reverse("session-room", args=[session.pk]),
    )


declare(
    Action(
        kind="compound",
        name="convene",
        rule="session.convene",
        label=pgettext_lazy("session action", "Convene and invite the five parties"),
        run=_convene,
        form=ConveneStepForm,
        form_kwargs=_convene_kwargs,
        template="sessions/_convene_fields.html",
        weight=Weight.PRIMARY,
    )
)
