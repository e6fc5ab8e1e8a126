"""Committee bodies formed from the committee page (docs/law.md §§4–5): the application for
a first owners' committee and its preparatory group (BJ reg. art. 30), the re-election group
(art. 49), the property management committee (arts. 52–59), the community's guidance and
dissolution.

Due times: the preparatory group within 30 days of the application and the re-election group
within 60 days of the report (``form_by``); a preparatory group's work ends with the first
meeting within 60 days of forming (``first_meeting_by``); a 物管会 is dissolved within 30 days
of an owners' committee registering (``dissolve_by``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.committee_forms import (
    ApplicationForm,
    CompositionForm,
    GuidanceForm,
    PmCommitteeForm,
)
from deliberation.models import CommitteeBody, Compound, Organization, User
from deliberation.services import committee_bodies as services

from .committees import _day, _end_of
from .registry import Action, Outcome, Weight, declare

B = CommitteeBody.Kind
K = Organization.Kind
GROUPS = (B.PREPARATORY_GROUP, B.REELECTION_GROUP)


def _page(compound_id: int) -> str:
    return reverse("committee-page", args=[compound_id])


def _without_committee(c: Compound) -> bool:
    oc = c.owners_committee
    return oc is None or oc.kind != K.OWNERS_COMMITTEE


# --- on the compound ---------------------------------------------------------------------------


def _receive(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    body = services.receive_application(
        actor=actor, compound=compound, applied_on=data.get("applied_on")
    )
    return Outcome(
        _("Application recorded: the subdistrict forms the preparatory group by %(day)s.")
        % {"day": _day(body.form_by)},
        redirect=_page(compound.pk),
        reload=True,  # a new body's section appears on the page
    )


def _form_pm(compound: Compound, actor: User, data: dict[str, Any]) -> Outcome:
    body = services.form_pm_committee(
        actor=actor,
        compound=compound,
        composition=data["composition"],
        term_start=data["term_start"],
        term_end=data["term_end"],
    )
    return Outcome(
        _("%(name)s formed with %(n)s members; its term ends %(day)s.")
        % {
            "name": body.organization.name,
            "n": len(data["composition"].seats),
            "day": _day(body.term_end),
        },
        redirect=_page(compound.pk),
        reload=True,  # a new body's section appears on the page
    )


def _compound_people(c: Compound, user: Any) -> dict[str, Any]:
    return {"compound": c}


for _action in (
    Action(
        kind="compound",
        name="receive_application",
        rule="committee.register",
        label=pgettext_lazy("committee action", "Record an application for an owners' committee"),
        help=gettext_lazy(
            "Owners holding 5 % or the developer apply; the subdistrict forms the preparatory "
            "group within 30 days (BJ reg. art. 30)."
        ),
        run=_receive,
        form=ApplicationForm,
        when=lambda c: _without_committee(c) and not getattr(c, "preparatory_running", False),
        order=3,
    ),
    Action(
        kind="compound",
        name="form_pm_committee",
        rule="committee.register",
        label=pgettext_lazy("committee action", "Form a property management committee"),
        help=gettext_lazy(
            "At least 7 members and an odd number, owner representatives at least half, "
            "chaired by the residents' committee's representative; term at most 3 years "
            "(BJ reg. arts. 52–59)."
        ),
        run=_form_pm,
        form=PmCommitteeForm,
        form_kwargs=_compound_people,
        template="committees/_composition_fields.html",
        when=lambda c: _without_committee(c) and not getattr(c, "pm_committee_sitting", False),
        order=4,
    ),
):
    declare(_action)


# --- on a body -------------------------------------------------------------------------------


def _form_group(body: CommitteeBody, actor: User, data: dict[str, Any]) -> Outcome:
    done = services.form_group(actor=actor, body=body, composition=data["composition"])
    if done.kind == B.PREPARATORY_GROUP:
        return Outcome(
            _(
                "Preparatory group formed: post its list within 7 days; the first owners' "
                "meeting by %(day)s."
            )
            % {"day": _day(done.first_meeting_by)},
            redirect=_page(done.compound_id),
            reload=True,  # its members appear on the page
        )
    return Outcome(
        _("Re-election group formed with %(n)s members.") % {"n": done.seats.count()},
        redirect=_page(done.compound_id),
        reload=True,
    )


def _body_people(body: CommitteeBody, user: Any) -> dict[str, Any]:
    return {"compound": body.compound}


def _guidance(body: CommitteeBody, actor: User, data: dict[str, Any]) -> Outcome:
    services.record_guidance(actor=actor, body=body, source=data["source"], text=data["text"])
    return Outcome(
        _("Guidance recorded for %(body)s.") % {"body": body.get_kind_display()},
        redirect=_page(body.compound_id),
        reload=True,  # the guidance is shown beside the body
    )


def _dissolve(body: CommitteeBody, actor: User, data: dict[str, Any]) -> Outcome:
    done = services.dissolve(actor=actor, body=body)
    return Outcome(
        _("%(body)s dissolved on %(day)s.")
        % {"body": done.get_kind_display(), "day": _day(done.dissolved_on)},
        redirect=_page(done.compound_id),
        reload=True,
    )


def _may_form(b: CommitteeBody) -> bool:
    return (
        b.kind in GROUPS
        and b.formed_on is None
        and b.dissolved_on is None
        and (b.kind == B.PREPARATORY_GROUP or b.reported_on is not None)
    )


def _dissolve_due(b: CommitteeBody) -> Any:
    return _end_of(b.dissolve_by if b.kind == B.PM_COMMITTEE else b.first_meeting_by)


for _action in (
    Action(
        kind="committee_body",
        name="form_group",
        rule="committee.register",
        label=pgettext_lazy("committee action", "Form the group"),
        help=gettext_lazy(
            "An odd number of members, owner representatives at least half; the residents' "
            "committee, the Party organization and the subdistrict represented (BJ reg. arts. "
            "30, 49)."
        ),
        run=_form_group,
        form=CompositionForm,
        form_kwargs=_body_people,
        template="committees/_composition_fields.html",
        when=_may_form,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda b: _end_of(b.form_by),
        task_label=gettext_lazy("Form the group"),
    ),
    Action(
        kind="committee_body",
        name="guidance",
        rule="committee.guide",
        label=pgettext_lazy("committee action", "Record guidance"),
        help=gettext_lazy(
            "The community Party organization and the residents' committee guide the body "
            "(BJ reg. arts. 30, 52)."
        ),
        run=_guidance,
        form=GuidanceForm,
        when=lambda b: (
            b.dissolved_on is None and (b.kind != B.REELECTION_GROUP or b.reported_on is not None)
        ),
        order=1,
    ),
    Action(
        kind="committee_body",
        name="dissolve",
        rule="committee.register",
        label=pgettext_lazy("committee action", "Dissolve"),
        help=gettext_lazy(
            "A 物管会 within 30 days of an owners' committee registering (BJ reg. art. 59); a "
            "preparatory group after the first owners' meeting (art. 30)."
        ),
        run=_dissolve,
        when=lambda b: (
            b.kind in (B.PM_COMMITTEE, B.PREPARATORY_GROUP)
            and b.formed_on is not None
            and b.dissolved_on is None
        ),
        weight=Weight.DANGER,
        confirm=gettext_lazy("Dissolve this body? Its members' roles end today."),
        task=True,
        due=_dissolve_due,
        task_label=gettext_lazy("Dissolve the body"),
        order=2,
    ),
):
    declare(_action)
