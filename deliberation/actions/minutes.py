"""A session's minutes: the secretary edits the draft and publishes it (a task)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.models import (
    Minutes,
    Session,
)
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.sessions import (
    sessions_for_rules,
)
from deliberation.services import sessions as services
from deliberation.session_forms import (
    MinutesForm,
)
from workflows import sessions as flow

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind
from .session_room import (
    refusals,
    room_topics,
)
from .sessions import MANAGE

# --- the minutes ------------------------------------------------------------------------------


def _load_minutes(pk: int) -> Minutes | None:
    found = list(Minutes.objects.select_related("session").filter(pk=pk))
    if not found:
        return None
    sessions = {s.pk: s for s in sessions_for_rules(Session.objects.filter(pk=found[0].session_id))}
    found[0].session = sessions[found[0].session_id]
    return found[0]


def _minutes_candidates(p: Principal) -> Iterable[Minutes]:
    """Drafts of sessions convened by one of the person's organizations."""
    conveners = list(p.orgs_of_kind(*COMMUNITY_KINDS))
    if not conveners:  # sessions are convened by the community (``session.convene``)
        return []
    drafts = list(
        Minutes.objects.filter(
            status=Minutes.Status.DRAFT,
            session__convening_organization_id__in=conveners,
        ).order_by("id")[:100]
    )
    sessions = {
        s.pk: s
        for s in sessions_for_rules(Session.objects.filter(pk__in=[m.session_id for m in drafts]))
    }
    for m in drafts:
        m.session = sessions[m.session_id]
    return drafts


declare_kind(
    ObjectKind(
        name="minutes",
        model=Minutes,
        label=pgettext_lazy("kind", "minutes"),
        load=_load_minutes,
        page_url=lambda m: reverse("session-minutes", args=[m.session_id]),
        audience=lambda m: Audience(
            topics=room_topics(m.session_id),
            organizations=(m.session.convening_organization_id,),
        ),
        task_candidates=_minutes_candidates,
        title=lambda m: _("Minutes · %(title)s") % {"title": m.session.title},
    )
)


def _publish(minutes: Minutes, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.publish_minutes(actor=actor, session=minutes.session)
    return Outcome(
        _("The minutes of %(title)s are published to the residents.")
        % {"title": minutes.session.title}
    )


def _edit(minutes: Minutes, actor: Any, data: dict[str, Any]) -> Outcome:
    with refusals():
        services.edit_minutes(actor=actor, session=minutes.session, text=data["text"])
    return Outcome(_("Minutes saved."))


for _action in (
    Action(
        kind="minutes",
        name="publish",
        rule=MANAGE,
        policy_object=lambda m: m.session,
        label=pgettext_lazy("session action", "Publish to residents"),
        run=_publish,
        when=lambda m: m.status == Minutes.Status.DRAFT,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Publish the minutes"),
    ),
    Action(
        kind="minutes",
        name="edit",
        rule=MANAGE,
        policy_object=lambda m: m.session,
        label=pgettext_lazy("session action", "Save the minutes"),
        run=_edit,
        form=MinutesForm,
        form_kwargs=lambda m, user: {"initial": {"text": m.text}},
        when=lambda m: m.status == Minutes.Status.DRAFT,
    ),
):
    declare(_action)
