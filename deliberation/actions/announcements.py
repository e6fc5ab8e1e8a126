"""Posting a notice to a compound's residents: a step on the compound, taken by an
organization serving it. The board itself is pushed on ``compound:<id>:public``
(``services.announcements``); the poster's controls answer with what happened."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from deliberation.forms import AnnouncementForm
from deliberation.models import Compound, User
from deliberation.selectors.places import organizations_posting_for
from deliberation.services.announcements import post_announcement

from . import compounds  # noqa: F401  (declares the compound kind first)
from .registry import Action, Outcome, declare


def _organizations(compound: Compound, user: Any) -> dict[str, Any]:
    return {"organizations": organizations_posting_for(user, compound)}


def _announce(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    notice = post_announcement(
        author=actor,
        organization=data["organization"],
        compound=compound,
        title=data["title"],
        body=data["body"],
    )
    return Outcome(
        _("Notice “%(title)s” posted to %(compound)s's residents as %(org)s.")
        % {"title": notice.title, "compound": compound.name, "org": notice.organization.name}
    )


declare(
    Action(
        kind="compound",
        name="announce",
        rule="compound.announce",
        label=pgettext_lazy("compound action", "Post a notice to residents"),
        run=_announce,
        form=AnnouncementForm,  # type: ignore[arg-type]  # a ModelForm: the same protocol
        form_kwargs=_organizations,
        template="compounds/_announcement_fields.html",
        order=5,
    )
)
