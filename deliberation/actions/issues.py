"""Issues: the committee's triage steps, declared once.

A new report waits for triage in the committees serving its compound (the subdistrict
office for one reported without a compound); "triage this report" is their task, due by the
SLA's respond-within for its category and urgency (docs/law.md §6). Dispatching it to the
responsible party is the one obvious next step; the others route it elsewhere. Every
routing step goes through the intake flow (``workflows.intake.triage``) so the flow stays in
step; setting the category is a plain service call.

Reporting is not an action on an issue (there is no issue yet): the report form's view calls
``services.issues.report_issue``, which refreshes the committees' task lists itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from deliberation.issue_forms import (
    CategoryForm,
    CloseForm,
    DispatchForm,
    DuplicateForm,
    SessionForm,
)
from deliberation.live.topics import topic
from deliberation.models import Issue, Organization, WorkOrder
from deliberation.policy.principal import COMMUNITY_KINDS, Principal
from deliberation.selectors.issues import (
    deadlines_if_dispatched_now,
    issues_with_place,
    triage_due,
    with_sla,
)
from deliberation.selectors.work_orders import suggest_responsible
from deliberation.services import triage as services
from workflows import intake

from .registry import (
    CANDIDATES_TOTAL,
    Action,
    Audience,
    ObjectKind,
    Outcome,
    Weight,
    declare,
    declare_kind,
)

S = Issue.Status

#: what the triage rule, the controls and the dispatch suggestion read, in one query
_JOINS = ("compound__property_provider", "compound__community__residents_committee")


def _when(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


def _load(pk: int) -> Issue | None:
    return with_sla(issues_with_place()).select_related(*_JOINS).filter(pk=pk).first()


def _audience(issue: Issue) -> Audience:
    """The issue page's staff view (where the triage controls are). Not the task lists of
    the committees that triage it: every triage step changes the triage queue, and its
    service tells those task lists to refetch with the queue (``push_triage_queue``) —
    naming them here too made an open inbox fetch its task list twice per step."""
    return Audience(topics=(topic("issue", issue.pk, "staff"),))


#: Reports waiting for triage that one task list loads at most: the newest, so a new report
#: is always among them (and its committee is told of it). A backlog beyond them is counted
#: in the same query (``CANDIDATES_TOTAL``) and left to the inbox's triage queue, which pages
#: through every report; loading them all cost ~10 ms of CPU per 500 on every page view.
TRIAGE_TASKS_LOADED = 500


def _candidates(p: Principal) -> Iterable[Issue]:
    """Reports waiting for triage where the person's committee serves (or, for the
    subdistrict office, those reported without a compound): one query."""
    compounds = [c for c in p.served_compounds if p.serves(c, *COMMUNITY_KINDS)]
    office = bool(p.orgs_of_kind(Organization.Kind.SUBDISTRICT_OFFICE))
    if not compounds and not office:
        return []
    where = Q(compound_id__in=compounds)
    if office:
        where |= Q(compound__isnull=True)
    # Only what a task row reads (title, due, the triage rule's compound id): joining the
    # place, reporter and parties made ~9 model instances per row, most of the list's cost.
    qs = with_sla(Issue.objects.all()).filter(where, status=S.NEW)
    qs = qs.annotate(**{CANDIDATES_TOTAL: Window(Count("pk"))})  # before the LIMIT
    return qs.order_by("-created_at", "-id")[:TRIAGE_TASKS_LOADED]


def _title(issue: Issue) -> str:
    words = " ".join(issue.description.split())
    short = words if len(words) <= 40 else words[:39] + "…"
    return _("Issue #%(id)s · %(text)s") % {"id": issue.pk, "text": short}


declare_kind(
    ObjectKind(
        name="issue",
        model=Issue,
        label=pgettext_lazy("kind", "issue"),
        load=_load,
        page_url=lambda i: reverse("issue-detail", args=[i.pk]),
        audience=_audience,
        task_candidates=_candidates,
        title=_title,
    )
)


# --- what each step runs ----------------------------------------------------------------------


def _dispatch(issue: Issue, actor: Any, data: dict[str, Any]) -> Outcome:
    order: WorkOrder = intake.triage(
        issue,
        "dispatch",
        actor=actor,
        responsible=data["responsible"],
        co_operating=list(data["co_operating"]),
        title=data["title"],
        acceptance_criteria=data["acceptance_criteria"],
        staff_note=data["staff_note"],
    )
    return Outcome(
        _(
            "Issue #%(issue)s dispatched to %(org)s as work order #%(order)s: "
            "a response is due by %(time)s."
        )
        % {
            "issue": issue.pk,
            "org": data["responsible"].name,
            "order": order.pk,
            "time": _when(order.respond_by),
        }
    )


def _categorise(issue: Issue, actor: Any, data: dict[str, Any]) -> Outcome:
    before = issue.compound_id
    services.set_category(
        issue=issue,
        actor=actor,
        category=data["category"],
        urgency=data["urgency"],
        compound=data["compound"],
    )
    if issue.compound_id != before and issue.compound is not None:
        return Outcome(
            _("Issue #%(id)s placed in %(compound)s, category “%(category)s”.")
            % {"id": issue.pk, "compound": issue.compound.name, "category": data["category"].name}
        )
    return Outcome(
        _("Issue #%(id)s: category set to “%(category)s”.")
        % {"id": issue.pk, "category": data["category"].name}
    )


def _close(issue: Issue, actor: Any, data: dict[str, Any]) -> Outcome:
    intake.triage(
        issue,
        "close",
        actor=actor,
        reason=data["reason"],
        public_text=data["public_text"],
        staff_note=data["staff_note"],
    )
    return Outcome(
        _("Issue #%(id)s closed (%(reason)s); the reporter sees your answer.")
        % {"id": issue.pk, "reason": Issue.ClosureReason(data["reason"]).label}
    )


def _duplicate(issue: Issue, actor: Any, data: dict[str, Any]) -> Outcome:
    other = data["duplicate_of"]
    intake.triage(issue, "duplicate", actor=actor, duplicate_of=other, note=data["note"])
    return Outcome(
        _("Issue #%(id)s closed as the same as issue #%(other)s, which is followed there.")
        % {"id": issue.pk, "other": other.pk}
    )


def _session(issue: Issue, actor: Any, data: dict[str, Any]) -> Outcome:
    intake.triage(issue, "session", actor=actor, public_text=data["public_text"])
    return Outcome(
        _("Issue #%(id)s now waits for a consultation session's agenda.") % {"id": issue.pk}
    )


def _dispatch_form(issue: Issue, user: Any) -> dict[str, Any]:
    suggested = suggest_responsible(issue.compound) if issue.compound is not None else None
    return {"issue": issue, "suggested": suggested, "deadlines": deadlines_if_dispatched_now(issue)}


def _category_form(issue: Issue, user: Any) -> dict[str, Any]:
    return {
        "initial": {
            "category": issue.category_id,
            "urgency": issue.urgency,
            "compound": issue.compound_id,
        }
    }


def _waits_for_triage(issue: Issue) -> bool:
    return issue.status == S.NEW


TRIAGE_TASK = gettext_lazy("Triage this report")

for _action in (
    Action(
        kind="issue",
        name="dispatch",
        rule="issue.triage",
        label=pgettext_lazy("issue action", "Dispatch a work order"),
        help=gettext_lazy("Send it to the party that must do the work, with the SLA's deadlines."),
        run=_dispatch,
        form=DispatchForm,
        form_kwargs=_dispatch_form,
        template="issues/_dispatch_action.html",
        # an issue reported without a compound is placed first (set the category)
        when=lambda i: _waits_for_triage(i) and i.compound_id is not None,
        weight=Weight.PRIMARY,
        task=True,
        due=triage_due,
        task_label=TRIAGE_TASK,
    ),
    Action(
        kind="issue",
        name="categorise",
        rule="issue.triage",
        label=pgettext_lazy("issue action", "Set or correct the category"),
        run=_categorise,
        form=CategoryForm,
        form_kwargs=_category_form,
        prefix="cat",
        when=_waits_for_triage,
        task=True,  # the task for a report without a compound: place it first
        due=triage_due,
        task_label=TRIAGE_TASK,
    ),
    Action(
        kind="issue",
        name="session",
        rule="issue.triage",
        label=pgettext_lazy("issue action", "Put on a consultation session's agenda"),
        help=gettext_lazy("For matters the parties must decide together."),
        run=_session,
        form=SessionForm,
        when=_waits_for_triage,
        order=1,
    ),
    Action(
        kind="issue",
        name="close",
        rule="issue.triage",
        label=pgettext_lazy("issue action", "Close with a reason"),
        run=_close,
        form=CloseForm,
        when=_waits_for_triage,
        order=2,
    ),
    Action(
        kind="issue",
        name="duplicate",
        rule="issue.triage",
        label=pgettext_lazy("issue action", "Mark as a duplicate"),
        run=_duplicate,
        form=DuplicateForm,
        form_kwargs=lambda issue, user: {"issue": issue},
        prefix="dup",
        when=_waits_for_triage,
        order=3,
    ),
):
    declare(_action)
