"""Work orders, their extension requests and escalations: every step, declared once.

The SLA clocks (docs/law.md §6) give the due times: accepting by ``respond_by``, finishing
by ``resolve_by``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation import policy
from deliberation.issue_forms import (
    ConfirmForm,
    DecideExtensionForm,
    EscalationForm,
    ExtensionForm,
    SendBackForm,
    VerifyForm,
    WorkNoteForm,
)
from deliberation.live.topics import topic
from deliberation.models import Escalation, ExtensionRequest, Organization, WorkOrder
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.work_orders import work_order_detail, work_orders_with_parties
from deliberation.services import work_orders as services
from workflows import escalations
from workflows import work_orders as flow

from .registry import Action, Audience, ObjectKind, Outcome, Weight, declare, declare_kind

W = WorkOrder.Status


def _when(value: datetime | None) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _committees_of(compound_id: int) -> list[int]:
    """The residents' and Party committees serving the compound (they verify and decide)."""
    return list(
        Organization.objects.filter(
            community__compounds__pk=compound_id, kind__in=COMMUNITY_KINDS
        ).values_list("pk", flat=True)
    )


def _order_audience(order: WorkOrder) -> Audience:
    issue_topics: tuple[str, ...] = ()
    users: tuple[int, ...] = ()
    if order.issue_id:
        issue_topics = (topic("issue", order.issue_id, "staff"),)
        reporter = order.issue.reporter_id if order.issue else None
        users = (reporter,) if reporter else ()
    co = tuple(o.pk for o in order.co_operating.all())
    return Audience(
        topics=(topic("work_order", order.pk, "staff"), *issue_topics),
        organizations=(order.responsible_id, *co, *_committees_of(order.compound_id)),
        users=users,
    )


def _order_nested(order: WorkOrder) -> list[tuple[str, Any]]:
    """The pending extension request and the open escalations, drawn inside the order's
    controls (prefetched by ``work_order_detail``): a request made while the committee has
    the page open appears there with the order's controls' refetch."""
    return [
        *(("extension", e) for e in order.extension_requests.all() if e.status == "pending"),
        *(("escalation", e) for e in order.escalations.all() if e.status == "open"),
    ]


def _order_candidates(p: Principal) -> Iterable[WorkOrder]:
    """Orders on which the person's organizations (or they, as reporter) may hold a task."""
    if not p.is_authenticated:
        return []
    mine = Q(responsible_id__in=list(p.org_kinds), status__in=WorkOrder.ACTIVE_STATUSES)
    finished = Q(status__in=[W.COMPLETED, W.VERIFIED])
    community = list(p.orgs_of_kind(*COMMUNITY_KINDS))
    if community:
        mine |= finished & Q(compound__community__organizations__pk__in=community)
    if p.is_subdistrict:
        # Verifying (and confirming for no reporter) is the community committee's task; the
        # subdistrict may take it anywhere (``_committee_of``) but is expected to only where
        # no committee serves. Every finished order of the subdistrict in its task list
        # doubled each committee's and, in a district, filled the list's 500 with others'.
        c = "compound__community__"
        mine |= finished & (
            Q(compound__isnull=True)
            | Q(**{f"{c}residents_committee__isnull": True, f"{c}party_committee__isnull": True})
        )
    mine |= Q(issue__reporter_id=p.user_id, status=W.VERIFIED)
    return (
        work_orders_with_parties()
        .select_related("issue__reporter")
        .filter(mine)
        .distinct()
        .order_by("id")[:500]
    )


declare_kind(
    ObjectKind(
        name="work_order",
        model=WorkOrder,
        label=pgettext_lazy("kind", "work order"),
        load=work_order_detail,
        page_url=lambda o: reverse("work-order-detail", args=[o.pk]),
        audience=_order_audience,
        task_candidates=_order_candidates,
        title=lambda o: _("Work order #%(id)s · %(title)s") % {"id": o.pk, "title": o.title},
        nested=_order_nested,
    )
)


def _accept(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    done = flow.perform(order, "accept", actor=actor)
    return Outcome(
        _("Work order #%(id)s accepted: finish it by %(time)s.")
        % {"id": done.pk, "time": _when(done.resolve_by)}
    )


def _send_back(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.perform(order, "send_back", actor=actor, reason=data["reason"])
    return Outcome(_("Work order #%(id)s sent back to the committee.") % {"id": order.pk})


def _progress(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    services.add_progress(work_order=order, actor=actor, text=data["text"], photos=data["photos"])
    return Outcome(_("Progress note added to work order #%(id)s.") % {"id": order.pk})


def _complete(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.perform(order, "complete", actor=actor, text=data["text"], photos=data["photos"])
    return Outcome(
        _("Work order #%(id)s reported done; the committee will verify it.") % {"id": order.pk}
    )


def _extension(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    services.request_extension(
        work_order=order, actor=actor, reason=data["reason"], new_resolve_by=data["new_resolve_by"]
    )
    return Outcome(
        _("More time asked for work order #%(id)s (until %(time)s); the committee decides.")
        % {"id": order.pk, "time": _when(data["new_resolve_by"])}
    )


def _verify(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    approved = data["approved"] == "yes"
    flow.perform(order, "verify", actor=actor, approved=approved, note=data["note"])
    if approved:
        return Outcome(_("Work order #%(id)s verified as done.") % {"id": order.pk})
    return Outcome(_("Work order #%(id)s returned to the party to finish.") % {"id": order.pk})


def _confirm(order: WorkOrder, actor: Any, data: dict[str, Any]) -> Outcome:
    flow.perform(
        order,
        "confirm",
        actor=actor,
        fixed=data["fixed"] == "yes",
        rating=data["rating"],
        comment=data["comment"],
    )
    if order.issue_id:
        return Outcome(
            _("Thank you: your rating is recorded."),
            redirect=reverse("issue-detail", args=[order.issue_id]),
        )
    return Outcome(_("Follow-up call recorded for work order #%(id)s.") % {"id": order.pk})


def _pending_extension(order: WorkOrder) -> bool:
    return any(e.status == "pending" for e in order.extension_requests.all())


def _has_reporter(order: WorkOrder) -> bool:
    return bool(order.issue_id and order.issue and order.issue.reporter_id)


def _rates_issue(user: Any, order: WorkOrder) -> bool:
    """The reporter confirms through their issue (``issue.rate``); the committee's 回访
    for orders without a reporting resident needs no issue."""
    if not _has_reporter(order):
        return True
    return policy.can(user, "issue.rate", order.issue)


WORKING = set(WorkOrder.WORKING_STATUSES)

for _action in (
    Action(
        kind="work_order",
        name="accept",
        rule="work_order.respond",
        label=pgettext_lazy("work order action", "Accept"),
        help=gettext_lazy("Take the order on: the resolve-by clock keeps running."),
        run=_accept,
        when=lambda o: o.status == W.DISPATCHED,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda o: o.respond_by,
        task_label=gettext_lazy("Accept or send back"),
    ),
    Action(
        kind="work_order",
        name="complete",
        rule="work_order.respond",
        label=pgettext_lazy("work order action", "Complete with evidence"),
        run=_complete,
        form=WorkNoteForm,
        when=lambda o: o.status in WORKING,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda o: o.resolve_by,
        task_label=gettext_lazy("Finish the work"),
    ),
    Action(
        kind="work_order",
        name="verify",
        rule="work_order.verify",
        label=pgettext_lazy("work order action", "Verify the work"),
        run=_verify,
        form=VerifyForm,
        when=lambda o: o.status == W.COMPLETED,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Verify the work"),
    ),
    Action(
        kind="work_order",
        name="confirm",
        rule="work_order.confirm",
        label=pgettext_lazy("work order action", "Record the follow-up call (回访)"),
        run=_confirm,
        form=ConfirmForm,
        template="work_orders/_confirm_fields.html",
        also=_rates_issue,
        when=lambda o: o.status == W.VERIFIED,
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Rate the outcome"),
        task_url=lambda o: (
            reverse("issue-detail", args=[o.issue_id])
            if _has_reporter(o)
            else reverse("work-order-detail", args=[o.pk])
        ),
    ),
    Action(
        kind="work_order",
        name="progress",
        rule="work_order.respond",
        label=pgettext_lazy("work order action", "Report progress"),
        run=_progress,
        form=WorkNoteForm,
        when=lambda o: o.status in WORKING,
    ),
    Action(
        kind="work_order",
        name="extension",
        rule="work_order.respond",
        label=pgettext_lazy("work order action", "Ask for more time"),
        run=_extension,
        form=ExtensionForm,
        prefix="ext",
        when=lambda o: o.is_active and not _pending_extension(o),
        order=1,
    ),
    Action(
        kind="work_order",
        name="send_back",
        rule="work_order.respond",
        label=pgettext_lazy("work order action", "Send back"),
        help=gettext_lazy("Not yours to do: the committee dispatches it again."),
        run=_send_back,
        form=SendBackForm,
        prefix="back",
        when=lambda o: o.status == W.DISPATCHED,
        weight=Weight.DANGER,
    ),
):
    declare(_action)


# --- extension requests ----------------------------------------------------------------------


def _load_extension(pk: int) -> ExtensionRequest | None:
    return (
        ExtensionRequest.objects.select_related(
            "work_order__responsible", "work_order__compound", "requested_by"
        )
        .filter(pk=pk)
        .first()
    )


def _decide(extension: ExtensionRequest, actor: Any, data: dict[str, Any]) -> Outcome:
    approve = data["approve"] == "yes"
    services.decide_extension(extension=extension, actor=actor, approve=approve, note=data["note"])
    if approve:
        return Outcome(
            _("Extension granted: work order #%(id)s is now due by %(time)s.")
            % {"id": extension.work_order_id, "time": _when(extension.new_resolve_by)},
            redirect=reverse("work-order-detail", args=[extension.work_order_id]),
        )
    return Outcome(
        _("Extension refused: work order #%(id)s keeps its deadline.")
        % {"id": extension.work_order_id},
        redirect=reverse("work-order-detail", args=[extension.work_order_id]),
    )


def _extension_candidates(p: Principal) -> Iterable[ExtensionRequest]:
    community = list(p.orgs_of_kind(*COMMUNITY_KINDS))
    if not community and not p.is_subdistrict:
        return []
    qs = ExtensionRequest.objects.filter(status=ExtensionRequest.Status.PENDING).select_related(
        "work_order__responsible", "work_order__compound", "requested_by"
    )
    if not p.is_subdistrict:
        qs = qs.filter(work_order__compound__community__organizations__pk__in=community)
    return qs.distinct().order_by("id")[:500]


declare_kind(
    ObjectKind(
        name="extension",
        model=ExtensionRequest,
        label=pgettext_lazy("kind", "extension request"),
        load=_load_extension,
        belongs_to=lambda e: e.work_order,
        page_url=lambda e: reverse("work-order-detail", args=[e.work_order_id]),
        audience=lambda e: Audience(
            topics=(topic("work_order", e.work_order_id, "staff"),),
            organizations=(
                e.work_order.responsible_id,
                *_committees_of(e.work_order.compound_id),
            ),
        ),
        task_candidates=_extension_candidates,
        title=lambda e: (
            _("Work order #%(id)s · %(title)s")
            % {"id": e.work_order_id, "title": e.work_order.title}
        ),
    )
)

declare(
    Action(
        kind="extension",
        name="decide",
        rule="work_order.decide_extension",
        policy_object=lambda e: e.work_order,
        label=pgettext_lazy("work order action", "Decide the extension"),
        run=_decide,
        form=DecideExtensionForm,
        template="work_orders/_decide_extension.html",
        when=lambda e: e.status == ExtensionRequest.Status.PENDING,
        weight=Weight.PRIMARY,
        task=True,
        due=lambda e: e.work_order.resolve_by,
        task_label=gettext_lazy("Decide an extension request"),
    )
)


# --- escalations -----------------------------------------------------------------------------


def _load_escalation(pk: int) -> Escalation | None:
    return (
        Escalation.objects.select_related("work_order__compound", "work_order__responsible")
        .filter(pk=pk)
        .first()
    )


def _handle(escalation: Escalation, actor: Any, data: dict[str, Any]) -> Outcome:
    escalations.handle(escalation, actor=actor, note=data["note"])
    return Outcome(
        _("Follow-up recorded on work order #%(id)s.") % {"id": escalation.work_order_id},
        redirect=reverse("work-order-detail", args=[escalation.work_order_id]),
    )


def _escalation_candidates(p: Principal) -> Iterable[Escalation]:
    if not p.is_supervisor:
        return []
    return (
        Escalation.objects.filter(status="open")
        .select_related("work_order__compound", "work_order__responsible")
        .order_by("id")[:500]
    )


declare_kind(
    ObjectKind(
        name="escalation",
        model=Escalation,
        label=pgettext_lazy("kind", "escalation"),
        load=_load_escalation,
        belongs_to=lambda e: e.work_order,
        page_url=lambda e: reverse("work-order-detail", args=[e.work_order_id]),
        audience=lambda e: Audience(
            topics=(topic("work_order", e.work_order_id, "staff"),),
            organizations=(e.supervisor_id,),
        ),
        task_candidates=_escalation_candidates,
        title=lambda e: (
            _("Work order #%(id)s · %(title)s")
            % {"id": e.work_order_id, "title": e.work_order.title}
        ),
    )
)

declare(
    Action(
        kind="escalation",
        name="handle",
        rule="escalation.handle",
        label=pgettext_lazy("work order action", "Record follow-up"),
        run=_handle,
        form=EscalationForm,
        prefix="esc",
        template="work_orders/_handle_escalation.html",
        when=lambda e: e.status == "open",
        weight=Weight.PRIMARY,
        task=True,
        task_label=gettext_lazy("Follow up an overdue order"),
    )
)
